"""Croatian, Serbian or Bosnian: a second opinion from the words the three standards spell or choose differently.

fastText (and lingua) mix these up because they share almost all their vocabulary. What tells
them apart is small and well known: Serbian writes the ekavian reflex of yat ("vreme", "reka",
"dete") where Croatian and Bosnian write the ijekavian one ("vrijeme", "rijeka", "dijete");
Croatian has its own month names and words ("siječnja", "tisuća", "tjedan", "tko", "vlak");
Bosnian is ijekavian with eastern words ("hiljada", "sedmica", "historija", "januar").
Serbian in Cyrillic is Serbian.
"""

from __future__ import annotations

import re

__all__ = ["judge"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Ekavian forms (Serbian) and their ijekavian counterparts (Croatian, Bosnian), plus words one standard prefers.
_EKAVIAN = frozenset("""
vreme vremena vremenu reka reke reci mleko pre posle dete deca dece devojka devojke lepo lepa lep hleb svet sveta
svetu cena cene cenu cena mesto mesta mestu pesma pesme vest vesti reč reči primer primera verovatno uvek gde
ovde negde sneg bela beli belo telo tela deo delu delovi nedelja nedelje nedelju vekovima vek veka leto leta
celo cela ceo cele celog celu sreda srede severno severu snega snegu istorija istorije istoriji
""".split())
_IJEKAVIAN = frozenset("""
vrijeme vremena rijeka rijeke mlijeko prije poslije dijete djeca djece djevojka djevojke lijepo lijepa lijep
hljeb svijet svijeta svijetu cijena cijene cijenu mjesto mjesta mjestu pjesma pjesme vijest vijesti riječ riječi
primjer primjera uvijek gdje ovdje negdje snijeg bijela bijeli bijelo tijelo tijela dio dijelu dijelovi
vijek vijeka ljeto ljeta cijelo cijela cijeli cijele cijelog cijelu srijeda srijede sjeverno sjeveru snijega snijegu
""".split())
_SERBIAN = frozenset("""
opština opštine opštini saopštio saopštila saopštili saopštenje saopštenju izveštaj izveštaja takođe voz voza
univerzitet univerziteta hiljada hiljade hiljadu šta tačno porodica porodice istorija istorije
""".split())
_CROATIAN = frozenset("""
siječanj siječnja veljača veljače ožujak ožujka travanj travnja svibanj svibnja lipanj lipnja srpanj srpnja
kolovoz kolovoza rujan rujna listopad listopada studeni studenoga prosinac prosinca tisuća tisuće tjedan tjedna
tjednu vlak vlaka tko točno izvješće izvješća priopćenje priopćio priopćila sveučilište sveučilišta obitelj
obitelji povijest povijesti glazba zrakoplov zrakoplova tijekom unatoč gospodarstvo gospodarstva vjerojatno
kruh
""".split())
# Words only Bosnian uses among the three, and eastern words Bosnian shares with Serbian.
_BOSNIAN = frozenset("""
sedmica sedmice sedmici sedmicu historija historije historiji saopćenje saopćio saopćila saopćili lahko hljeb
""".split())
_EASTERN = frozenset("""
hiljada hiljade hiljadu januar januara februar februara mart marta april aprila juni juna juli jula
septembar septembra oktobar oktobra novembar novembra decembar decembra šta tačno porodica porodice
univerzitet univerziteta univerzitetu tokom
""".split())
# Whole word families by their stem: "saopšt-" (Serbian), "saopć-" (Bosnian), "priopć-" (Croatian) "announced".
_STEMS = (("saopšt", "sr"), ("izvešt", "sr"), ("opštin", "sr"), ("saopć", "bs"), ("priopć", "hr"), ("izvješ", "hr"))
# The ijekavian reflex inside a word ("rijeka", "cijena", "lijepo"): "ije" between consonants.
_IJE = re.compile(r"[bcčćdđfghjklmnprsštvzž]ije[bcčćdđfghklmnprsštvzž]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_MACEDONIAN = re.compile(r"[ѓќѕЃЌЅ]")


def judge(text: str) -> str | None:
    """'hr', 'sr' or 'bs' when the text says so clearly enough, else None (keep the first opinion)."""
    cyrillic = len(_CYRILLIC.findall(text))
    if cyrillic > len(text) * 0.3:
        return None if _MACEDONIAN.search(text) else "sr"
    words = [w.lower() for w in _WORD.findall(text)]
    stems = [lang for w in words for stem, lang in _STEMS if w.startswith(stem)]
    ekavian = sum(w in _EKAVIAN or (w in _SERBIAN and w not in _EASTERN) for w in words) + stems.count("sr")
    ijekavian = sum(w in _IJEKAVIAN or (w not in _EKAVIAN and bool(_IJE.search(w))) for w in words)
    croatian = sum(w in _CROATIAN for w in words) + stems.count("hr")
    bosnian = sum(w in _BOSNIAN for w in words if not w.startswith("saopć")) + stems.count("bs")
    eastern = bosnian + sum(w in _EASTERN for w in words)
    if ekavian > ijekavian and ekavian + eastern >= 2:
        return "sr"
    if bosnian and not ekavian and bosnian >= croatian:
        return "bs"
    if ijekavian or croatian:
        if croatian > eastern:
            return "hr"
        if eastern > croatian:
            return "bs"
    return None
