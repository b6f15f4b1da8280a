"""Dutch provinces, regions and larger towns: general knowledge, so that a place in a question counts as a
name the answer must be about however it is written ("in twente").
"""

from __future__ import annotations

import re

PLACES = frozenset(re.findall(r"\S+", (
    "groningen friesland fryslan drenthe overijssel flevoland gelderland utrecht noord-holland "
    "zuid-holland zeeland noord-brabant brabant limburg twente achterhoek randstad veluwe betuwe "
    "west-brabant oost-brabant zuid-limburg noord-limburg limburg-noord midden-limburg kennemerland gooi "
    "amsterdam rotterdam den-haag haag eindhoven tilburg almere breda nijmegen arnhem haarlem enschede "
    "apeldoorn amersfoort zaanstad den-bosch 's-hertogenbosch zwolle leiden maastricht dordrecht "
    "zoetermeer deventer delft venlo heerlen leeuwarden alkmaar emmen helmond ede ermelo hengelo "
    "roermond gouda hilversum wageningen assen lelystad middelburg vlissingen sittard oss schiedam "
    "vlaardingen purmerend hoorn den-helder harderwijk doetinchem zutphen almelo kampen meppel hoogeveen "
    "heerenveen sneek drachten terneuzen goes bergen-op-zoom roosendaal waalwijk veenendaal nieuwegein "
    "houten zeist woerden alphen capelle spijkenisse katwijk noordwijk velsen ijmuiden weert kerkrade"
)))  # fmt: skip
