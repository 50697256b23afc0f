"""What every service shares: settings, codec and dead letters, metrics, the Faust app factory, the embedded broker."""
