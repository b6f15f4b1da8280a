"""Loading a knowledge folder: schema validation with problems naming file and field."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import TINY

from assistant.ingest.reading import load_documents
from assistant.texts import describe_problem

GOOD = """---
id: {id}
titel: Een titel
soort: casus
sector: [zorg]
doelgroep: [professional]
knoppen: []
bronnen:
  - titel: Een bron
    url: https://example.org/bron
peildatum: 2023-11
---
# Een titel

Tekst over de zorg.
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_tiny_corpus_loads_without_problems():
    result = load_documents(TINY)
    assert sorted(d.id for d in result.documents) == [
        "laagdrempeligheid", "leernetwerk", "loonheffingskorting", "matcher", "techdocent", "zorgreserve",
    ]  # fmt: skip
    assert result.problems == []
    zorg = next(d for d in result.documents if d.id == "zorgreserve")
    assert zorg.sector == ("zorg",)
    assert zorg.knoppen == ("matcher", "laagdrempeligheid")
    assert zorg.bronnen[1].url.startswith("https://www.skipr.nl/")
    assert zorg.peildatum == "2024-06"
    assert zorg.path == "casussen/zorgreserve.md"
    assert zorg.text.startswith("# Nationale Zorgreserve")


def test_missing_field_is_reported_with_file_and_field_and_the_rest_loads(tmp_path):
    write(tmp_path, "goed.md", GOOD.format(id="goed"))
    write(tmp_path, "kapot.md", GOOD.format(id="kapot").replace("soort: casus\n", ""))
    result = load_documents(tmp_path)
    assert [d.id for d in result.documents] == ["goed"]
    [problem] = result.problems
    assert (problem.path, problem.code, problem.field) == ("kapot.md", "missing_field", "soort")
    assert describe_problem(problem) == "kapot.md, veld 'soort': verplicht veld ontbreekt (overgeslagen)"


def test_bad_values_name_the_field(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="a").replace("sector: [zorg]", "sector: [ruimtevaart]"))
    write(tmp_path, "b.md", GOOD.format(id="b").replace("peildatum: 2023-11", "peildatum: gisteren"))
    write(tmp_path, "c.md", GOOD.format(id="C D"))
    write(tmp_path, "d.md", GOOD.format(id="d").replace("https://example.org/bron", "javascript:alert(1)"))
    problems = {p.path: p for p in load_documents(tmp_path).problems}
    assert (problems["a.md"].code, problems["a.md"].field) == ("bad_value", "sector")
    assert "ruimtevaart" in describe_problem(problems["a.md"])
    assert (problems["b.md"].code, problems["b.md"].field) == ("bad_date", "peildatum")
    assert (problems["c.md"].code, problems["c.md"].field) == ("bad_id", "id")
    assert (problems["d.md"].code, problems["d.md"].field) == ("bad_url", "bronnen.url")


def test_source_url_that_would_break_out_of_a_markdown_link_is_refused(tmp_path):
    evil = "https://ok.nl/x)[klik](javascript:alert(1))![](http://host/p.png"
    write(tmp_path, "a.md", GOOD.format(id="a").replace("https://example.org/bron", f"'{evil}'"))
    write(tmp_path, "b.md", GOOD.format(id="b").replace("https://example.org/bron", "'https://ok.nl/a b'"))
    write(tmp_path, "c.md", GOOD.format(id="c").replace("example.org/bron", "example.org/bron?x=1&y=%20"))
    result = load_documents(tmp_path)
    assert [d.id for d in result.documents] == ["c"]
    problems = {p.path: p for p in result.problems}
    assert {path: (p.code, p.field) for path, p in problems.items()} == {
        "a.md": ("bad_url", "bronnen.url"),
        "b.md": ("bad_url", "bronnen.url"),
    }
    assert describe_problem(problems["a.md"]).startswith(f"a.md, veld 'bronnen.url': ongeldige url '{evil}'")


def test_broken_yaml_and_unclosed_front_matter(tmp_path):
    write(tmp_path, "yaml.md", GOOD.format(id="y").replace("titel: Een titel", "titel: [niet: gesloten"))
    write(tmp_path, "open.md", "---\nid: open\ntitel: x\n")
    problems = {p.path: p.code for p in load_documents(tmp_path).problems}
    assert problems == {"yaml.md": "front_matter_yaml", "open.md": "front_matter_unclosed"}


def test_duplicate_ids_keep_the_first_file(tmp_path):
    write(tmp_path, "a/een.md", GOOD.format(id="zelfde"))
    write(tmp_path, "b/twee.md", GOOD.format(id="zelfde"))
    result = load_documents(tmp_path)
    assert [d.path for d in result.documents] == ["a/een.md"]
    [problem] = result.problems
    assert (problem.path, problem.code, problem.detail) == ("b/twee.md", "duplicate_id", "zelfde (a/een.md)")


def test_unknown_knop_reference_is_reported_but_document_kept(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="a").replace("knoppen: []", "knoppen: [bestaat-niet]"))
    result = load_documents(tmp_path)
    assert [d.id for d in result.documents] == ["a"]
    [problem] = result.problems
    assert (problem.code, problem.field, problem.detail, problem.skipped) == (
        "unknown_knop", "knoppen", "bestaat-niet", False,
    )  # fmt: skip


def test_binary_empty_large_and_non_utf8_files(tmp_path):
    write(tmp_path, "binair.md", b"\x00\x01\x02PNG\x00" * 50)
    write(tmp_path, "leeg.md", "")
    write(tmp_path, "groot.txt", "woord " * 400_000)
    write(tmp_path, "latin.txt", "Caf\xe9 en cr\xe8che in de kinderopvang.".encode("cp1252"))
    result = load_documents(tmp_path, max_bytes=1_000_000)
    problems = {p.path: p.code for p in result.problems}
    assert problems == {"binair.md": "binary", "leeg.md": "empty", "groot.txt": "too_large"}
    [latin] = result.documents
    assert latin.text == "Café en crèche in de kinderopvang."


def test_plain_text_and_markdown_without_front_matter_get_defaults(tmp_path):
    write(tmp_path, "notities/Over Dienjaar.txt", "Dienjaar duurt een jaar.")
    write(tmp_path, "los.md", "# Losse notitie\n\nTekst zonder front matter.")
    result = load_documents(tmp_path)
    by_path = {d.path: d for d in result.documents}
    txt = by_path["notities/Over Dienjaar.txt"]
    assert txt.titel == "Over Dienjaar"
    assert txt.soort == "achtergrond" and txt.id.startswith("notities-over-dienjaar-")
    assert by_path["los.md"].titel == "Losse notitie"
    assert [(p.path, p.code, p.skipped) for p in result.problems] == [("los.md", "no_front_matter", False)]


def _minimal_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _minimal_docx(path: Path, text: str) -> None:
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("word/document.xml", document)


def test_pdf_docx_and_html_go_through_llama_index_readers(tmp_path):
    write(tmp_path, "verslag.pdf", _minimal_pdf("Het Dienjaar had 150 deelnemers"))
    _minimal_docx(tmp_path / "notitie.docx", "De matcher brengt vraag en aanbod samen")
    write(tmp_path, "pagina.html", "<html><body><h1>Zorgreserve</h1><p>3500 reservisten</p></body></html>")
    write(tmp_path, "kapot.pdf", b"%PDF-1.4\nniet echt een pdf")
    result = load_documents(tmp_path)
    texts = {d.path: d.text for d in result.documents}
    assert "Dienjaar had 150 deelnemers" in texts["verslag.pdf"]
    assert "De matcher brengt vraag en aanbod samen" in texts["notitie.docx"]
    assert "3500 reservisten" in texts["pagina.html"]
    assert [(p.path, p.code) for p in result.problems] == [("kapot.pdf", "damaged")]


def test_a_broken_pdf_gives_a_dutch_reason_and_no_library_warnings(tmp_path, capsys, caplog):
    from assistant import texts

    write(tmp_path, "kapot.pdf", b"%PDF-1.4 broken garbage")
    write(tmp_path, "nep.pdf", b"not a pdf at all")
    with caplog.at_level("WARNING"):
        result = load_documents(tmp_path)
    [first, second] = result.problems
    assert (
        texts.describe_problem(first)
        == "kapot.pdf: het bestand is beschadigd of is geen echt PDF-bestand (overgeslagen)"
    )
    assert second.code == "damaged"
    captured = capsys.readouterr()
    assert "EOF marker" not in captured.err + captured.out
    assert not [
        r for r in caplog.records if r.name.startswith(("pypdf", "llama_index"))
    ]  # nothing reached the root
