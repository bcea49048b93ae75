"""Pages of any RDF served with `serve --data`: values that are not what their datatype says are
shown as they are written, never a server error."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
XSD = "http://www.w3.org/2001/XMLSchema#"

TRIG = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix intmk: <https://w3id.org/intmk/ontology#> .
@prefix id: <https://w3id.org/intmk/id/> .
<https://w3id.org/intmk/graph/odd> {{
  id:state\\/DE-NI a intmk:State ; intmk:isoCode "DE-NI" ; rdfs:label "Niedersachsen"@de .
  id:conference\\/1 a intmk:Conference ; intmk:ordinal "first" ; intmk:heldInState id:state\\/DE-NI ;
     intmk:startDate "2025-13-01"^^<{XSD}date> ; intmk:endDate "2025-02-31"^^<{XSD}date> ;
     intmk:duration "two days"^^<{XSD}duration> ; rdfs:label "Odd conference"@de .
  id:conference\\/2 a intmk:Conference ; intmk:ordinal 2 ; intmk:startDate "soon"^^<{XSD}date> ;
     rdfs:label "Odder conference"@de .
  id:resolution\\/odd a intmk:Resolution, intmk:ConferenceItem ; intmk:consideredAt id:conference\\/1 ;
     intmk:approvalCount "many" ; rdfs:label "Odd resolution"@de .
  id:person\\/p a intmk:Person ; rdfs:label "Odd person"@de .
  id:conference\\/2 intmk:chairmanship id:chair\\/2 .
  id:chair\\/2 a intmk:Chairmanship ; intmk:chairState id:state\\/DE-NI ; intmk:chairPerson id:person\\/p ;
     intmk:startDate "2025-02-30"^^<{XSD}date> ; intmk:endDate "later"^^<{XSD}date> ;
     intmk:chairPersonEndDate "2025-99-01"^^<{XSD}date> .
  id:person\\/p intmk:name "Odd person" .
  id:document\\/odd a intmk:SourceDocument ; intmk:issued "2025-13-13"^^<{XSD}date> ; rdfs:label "Odd document"@de .
}}
"""


@pytest.fixture()
def odd_client(tmp_path):
    from intmk_kg.web import create_app

    trig = tmp_path / "odd.trig"
    trig.write_text(TRIG, encoding="utf-8")
    return create_app({"TESTING": True, "DATA_PATHS": [str(trig)], "HOME": str(ROOT)}).test_client()


@pytest.mark.parametrize("path", ["/doc/conference/1", "/doc/conference/2", "/doc/resolution/odd", "/conferences/",
                                  "/", "/states/", "/resolutions/", "/documents/", "/doc/chair/2",
                                  "/doc/person/p", "/doc/document/odd", "/doc/state/DE-NI", "/search?q=odd", "/search?q=conference"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_pages_of_ill_typed_values_answer(odd_client, path, lang):
    reply = odd_client.get(path + ("&" if "?" in path else "?") + f"lang={lang}", headers={"Accept": "text/html"})
    assert reply.status_code == 200, reply.get_data(as_text=True)[-1500:]


def test_ill_typed_values_are_shown_as_written(odd_client):
    page = odd_client.get("/doc/conference/1?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "2025-13-01" in page and "two days" in page
    page = odd_client.get("/doc/resolution/odd?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "many" in page
