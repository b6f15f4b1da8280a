"""Question sets, reasons and reports (`wibb eval`, tab Toetsen)."""

from __future__ import annotations

EVAL_ENTRY = "vraag {n}"
EVAL_TURN = "{case}, beurt {n}"
EVAL_LINE = "regel {line}"
EVAL_LINE_UNKNOWN = "plaats onbekend"
EVAL_SET_ERRORS = {
    "not_found": "het bestand bestaat niet",
    "unreadable": "het bestand kan niet worden gelezen ({detail})",
    "format": "onbekend bestandstype '{detail}' (gebruik .yaml, .yml of .csv)",
    "yaml": "geen geldige YAML ({detail})",
    "yaml_character": "de tekst bevat een teken dat niet in YAML mag, zoals een stuurteken ({detail})",
    "csv": "geen geldige CSV ({detail})",
    "encoding": "de tekst is geen UTF-8 en ook geen Windows-1252; sla het bestand op als UTF-8 "
    "(in Excel: CSV UTF-8)",
    "csv_columns": "de kolommen {missing} ontbreken (gevonden: {found})",
    "csv_column": "de kolom {missing} ontbreekt (gevonden: {found})",
    "shape": "verwacht een lijst met vragen, of 'cases:' met daaronder een lijst",
    "empty": "de vragenset bevat geen vragen",
    "not_mapping": "elke vraag moet velden hebben (id, question, ...)",
    "missing": "het veld '{detail}' ontbreekt of is leeg",
    "unknown_field": "onbekend veld '{detail}' (toegestaan: id, question, expect_facts, expect_sources, "
    "answerable, filters, todo, notes, of id en turns voor een gesprek)",
    "conversation_field": "een gesprek heeft alleen 'id' en 'turns' (en eventueel todo en notes), niet '{detail}' "
    "(zet vragen en verwachtingen per beurt)",
    "unknown_turn_field": "onbekend veld '{detail}' in een beurt (toegestaan: question, expect_facts, expect_sources, "
    "answerable, filters, new_subject, todo, notes)",
    "several": "{detail} vragen kloppen niet; er is niets gedraaid",
    "bad_turns": "'turns' moet een lijst van beurten zijn, elk met een question",
    "turn_numbers": "de beurten van dit gesprek moeten 1, 2, 3, ... zijn, in die volgorde (gevonden: {detail})",
    "bad_new_subject": "new_subject moet true of false zijn (niet '{detail}')",
    "duplicate": "deze id komt vaker voor in de vragenset",
    "bad_facts": "expect_facts moet een lijst van feiten zijn (elk feit een tekst of een lijst "
    "alternatieven)",
    "bad_sources": "expect_sources moet een lijst van id's uit de kennisbank zijn",
    "bad_answerable": "answerable moet true of false zijn (niet '{detail}')",
    "facts_unanswerable": "een vraag met answerable: false kan geen expect_facts hebben",
    "bad_filter": "onbekend filter '{detail}' (toegestaan: sector, soort, doelgroep)",
    "bad_filter_value": "onbekende waarde in filters ({detail})",
}
EVAL_READ_ERRORS = {  # the detail of "unreadable", by kind of OSError
    "permission": "geen toegang; controleer de rechten",
    "directory": "dit is een map, geen bestand",
    "other": "leesfout",
}
EVAL_REASONS = {
    "invalid": "de vraag kon niet worden gesteld: {detail}",
    "fact_in_passage": "verwacht feit {fact} niet in het antwoord; wel in opgehaalde bron [{n}] ({doc})",
    "fact_missing": "verwacht feit {fact} niet in het antwoord en ook niet in de top-{k} opgehaalde bronnen",
    "source_missing": "geen verwachte bron ({expected}) bij de top-{k} opgehaalde bronnen",
    "citation_off": "geciteerde bron [{n}] ({doc}) is geen verwachte bron en bevat geen verwacht feit",
    "refused_answerable": "geweigerd, maar het antwoord staat in de kennisbank "
    "(bewijsscore {evidence} onder de drempel {threshold})",
    "refused_absence": "geweigerd omdat de best passende zin zegt dat iets niet bekend is, "
    "maar het antwoord staat in de kennisbank",
    "refused_focus": "geweigerd omdat geen gevonden zin bevat wat de vraag precies vraagt, "
    "maar het antwoord staat in de kennisbank (bewijsscore {evidence}, drempel {threshold})",
    "refused_model": "het taalmodel weigerde (het vond het antwoord niet in de opgehaalde bronnen), "
    "maar het antwoord staat in de kennisbank (bewijsscore {evidence}, drempel {threshold})",
    "answered_unanswerable": "beantwoord, maar dit staat niet in de kennisbank: weigeren was goed geweest "
    "(bewijsscore {evidence}, drempel {threshold})",
    "redundant": "het antwoord zegt hetzelfde twee keer: '{first}' en '{second}'",
    "judge_unsupported": "beoordelaar: zin {n} wordt niet gedekt door de geciteerde bronnen{why}",
    "judge_failed": "beoordelaar gaf geen bruikbaar oordeel ({detail})",
    "judge_partial": "oordeel over {got} van de {total} zinnen",
}
# Information beside the verdict: it never makes a case pass or fail.
EVAL_NOTES = {
    "no_expectations": "te beoordelen: deze vraag heeft niets om te controleren (geen expect_facts of "
    "expect_sources, en niet answerable: false); vul in wat goed is, tot dan telt hij niet als geslaagd of niet "
    "geslaagd",
    "todo": "te beoordelen: nog te doen volgens de vragenset ({todo})",
    "refused": "ter informatie: de assistent weigerde deze vraag",
    "info": "ter informatie: {text}",
    "citation_unasked": "ter informatie: geciteerde bron [{n}] ({doc}) bevat geen verwacht feit; zonder "
    "expect_sources telt dat niet mee voor geslaagd",
    "note": "notitie: {note}",
}
EVAL_JUDGE_ERRORS = {  # why the judge's language model gave no verdict (LanguageModelError.code)
    "unreachable": "het taalmodel is niet bereikbaar; controleer WIBB_LLM_BASE_URL en of de server draait",
    "timeout": "het taalmodel reageerde niet op tijd; verhoog zo nodig WIBB_LLM_TIMEOUT",
    "garbage": "het taalmodel gaf een onleesbaar antwoord",
    "error": "het taalmodel gaf een fout",
}
EVAL_METRICS = {
    "context_fact_recall@{k}": "deel van de verwachte feiten dat in de {k} opgehaalde bronnen staat",
    "answer_fact_recall": "deel van de verwachte feiten dat in het antwoord staat",
    "hit@{k}": "deel van de vragen waarbij een verwachte bron bij de {k} opgehaalde bronnen zit",
    "mrr@{k}": "gemiddelde van 1/plaats van de eerste verwachte bron (1 = steeds bovenaan)",
    "citation_precision": "deel van de geciteerde bronnen dat bij de vraag hoort",
    "refusal_accuracy": "deel van de vragen waarbij terecht wel of niet geweigerd is",
    "refusal_recall": "deel van de onbeantwoordbare vragen dat terecht geweigerd is",
    "false_refusal_rate": "deel van de beantwoordbare vragen dat toch geweigerd is (lager is beter)",
    "redundancy": "deel van de antwoorden dat een feit twee keer noemt (lager is beter)",
    "faithfulness": "deel van de antwoordzinnen dat volgens de beoordelaar door de bronnen gedekt wordt",
    "pass_rate": "deel van de beoordeelde vragen (met verwachtingen) dat helemaal geslaagd is",
    "latency_p50_ms": "mediane antwoordtijd in milliseconden",
    "latency_p95_ms": "antwoordtijd in milliseconden waar 95% van de vragen onder blijft",
    "conversation_pass_rate": "deel van de gesprekken waarin elke beoordeelde vraag geslaagd is",
    "topic_switch_carryover": "deel van de vragen met een nieuw onderwerp waarbij toch woorden van eerdere "
    "vragen zijn meegezocht (lager is beter)",
    "followup_answer_fact_recall": "als answer_fact_recall, alleen over vervolgvragen (beurt 2 en verder)",
    "followup_context_fact_recall@{k}": "als context_fact_recall@{k}, alleen over vervolgvragen",
    "followup_citation_precision": "als citation_precision, alleen over vervolgvragen",
    "followup_refusal_accuracy": "als refusal_accuracy, alleen over vervolgvragen",
    "followup_refusal_recall": "als refusal_recall, alleen over vervolgvragen",
    "followup_false_refusal_rate": "als false_refusal_rate, alleen over vervolgvragen (lager is beter)",
}
# The Dutch name a person reads beside the standard name of each metric.
EVAL_METRIC_NAMES = {
    "context_fact_recall@{k}": "Feiten gevonden",
    "answer_fact_recall": "Feiten in het antwoord",
    "hit@{k}": "Juiste bron gevonden",
    "mrr@{k}": "Plaats van de juiste bron",
    "citation_precision": "Juiste bronnen geciteerd",
    "refusal_accuracy": "Terecht wel of niet geweigerd",
    "refusal_recall": "Onbekende vragen geweigerd",
    "false_refusal_rate": "Onterecht geweigerd",
    "redundancy": "Herhaling in antwoorden",
    "faithfulness": "Gedekt door de bronnen",
    "pass_rate": "Geslaagde vragen",
    "latency_p50_ms": "Antwoordtijd (mediaan)",
    "latency_p95_ms": "Antwoordtijd (95%)",
    "conversation_pass_rate": "Geslaagde gesprekken",
    "topic_switch_carryover": "Oud onderwerp meegenomen",
    "followup_answer_fact_recall": "Feiten in het antwoord, vervolgvragen",
    "followup_context_fact_recall@{k}": "Feiten gevonden, vervolgvragen",
    "followup_citation_precision": "Juiste bronnen geciteerd, vervolgvragen",
    "followup_refusal_accuracy": "Terecht geweigerd, vervolgvragen",
    "followup_refusal_recall": "Onbekende vervolgvragen geweigerd",
    "followup_false_refusal_rate": "Onterecht geweigerd, vervolgvragen",
}
EVAL_LABELS = {
    "title": "Toetsrapport WiBB-assistent",
    "question_set": "Vragenset",
    "reader": "Lezer",
    "summary": "Samenvatting",
    "questions": "{cases} vragen",
    "questions_one": "1 vraag",
    "conversations": "{n} gesprekken",
    "conversation_one": "1 gesprek",
    "conversations_of": "{conversations} met samen {questions}",
    "singles": "{n} losse vragen",
    "single_one": "1 losse vraag",
    "mixed_of": "{singles} en {conversations}, samen {questions}",
    "overview": "{questions}, {passed} geslaagd ({percent}%)",
    "overview_review": "{questions}: {passed} geslaagd en {failed} niet geslaagd van de {judged} beoordeelde "
    "({percent}%); {review} te beoordelen (niets om te controleren, of todo)",
    "overview_review_only": "{questions}: geen enkele beoordeeld; {review} te beoordelen (niets om te "
    "controleren, of todo). Vul de verwachtingen in om te toetsen.",
    "to_review_heading": "Te beoordelen ({n}, tellen niet mee als geslaagd):",
    "pass_heading": "Wat geslaagd betekent",
    "pass_means": "Een vraag is geslaagd als elke controle klopt waar zijn verwachtingen om vragen: elk "
    "verwacht feit (expect_facts; één van de alternatieven is genoeg) staat in het antwoord; met expect_sources "
    "staat een verwachte bron bij de top-{k} opgehaalde bronnen en komt elke geciteerde bron uit een verwachte "
    "bron of bevat hij een verwacht feit; bij answerable: false weigert de assistent, anders niet; het antwoord "
    "noemt geen feit twee keer; met een beoordelaar (--judge) is elke antwoordzin gedekt door de geciteerde "
    "bronnen. Zonder expect_sources zijn de bronnencontroles alleen ter informatie. Een vraag zonder "
    "verwachtingen (geen expect_facts, geen expect_sources en niet answerable: false) of met todo is te "
    "beoordelen: niet geslaagd en niet niet-geslaagd, en hij telt niet mee voor het slagingspercentage "
    "(pass_rate) en de andere maten.",
    "query": "Gezocht op",
    "history_saved": "Run {id} bewaard in de toetsgeschiedenis (Toetsen toont eerdere runs).",
    "metric": "Maat",
    "value": "Waarde",
    "meaning": "Betekenis",
    "cases": "Vragen",
    "id": "Id",
    "question": "Vraag",
    "result": "Resultaat",
    "passed": "geslaagd",
    "failed": "niet geslaagd",
    "review": "te beoordelen",
    "answer": "Antwoord",
    "refused": "geweigerd",
    "refused_column": "Geweigerd",
    "answerable": "Beantwoordbaar",
    "yes": "ja",
    "no": "nee",
    "reasons": "Redenen",
    "cited": "Geciteerde bronnen",
    "retrieved": "Opgehaalde bronnen",
    "expect_facts": "Verwachte feiten",
    "expect_sources": "Verwachte bronnen",
    "latency": "Tijd (ms)",
    "none": "geen",
    "failures": "Niet geslaagd",
    "only_failed": "Alleen niet geslaagde vragen tonen",
    "more_failures": "… en nog {n} (zie het rapport)",
    "written": "Rapport geschreven: {path}",
    "below": "Onder de drempel: {metric} = {value} (drempel {limit})",
    "above": "Boven het maximum: {metric} = {value} (maximum {limit})",
    "thresholds_ok": "Alle drempels gehaald.",
    "bad_threshold": "Ongeldige drempel '{item}': gebruik maat=waarde, bijvoorbeeld hit@5=0.9. "
    "Maten: {names}",
    "progress": "Vragen",
    "judge_missing": "--judge vraagt om een taalmodel: stel WIBB_LLM en WIBB_LLM_MODEL in.",
    "compare_title": "Vergelijking met {old}",
    "compare_old": "Eerder",
    "compare_new": "Nu",
    "compare_delta": "Verschil",
    "compare_same": "gelijk",
    "flipped_pass": "Nu geslaagd ({n})",
    "flipped_fail": "Nu niet geslaagd ({n})",
    "flipped_review": "Nu te beoordelen ({n})",
    "flip_line": "{id}: {question} ({old} → {new})",
    "added": "Nieuwe vragen",
    "removed": "Verdwenen vragen",
    "no_flips": "Geen vragen veranderd van uitslag.",
    "compare_unreadable": "Het vorige rapport {path} kan niet worden gelezen, of is geen JSON-rapport van wibb eval.",
    "no_output_folder": "Kan {path} niet schrijven: de map {folder} bestaat niet.",
    "not_written": "Kan het rapport {path} niet schrijven ({reason}).",
    "not_measured_value": "niet gemeten",
    "not_measured": "Niet gemeten: {metric} (geen enkele vraag in deze set gaat daarover; drempel {limit})",
}
READER_LABELS = {
    "onnx": "de getrainde lezer {name}",
    "fake": "de testlezer ({name}, geen model)",
    "none": "geen lezer (alleen de regels)",
}
