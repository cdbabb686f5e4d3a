import re

import pytest
import yaml
from django.core.management import call_command

from api.urls import v1

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates_as_openapi_3(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")


def test_every_endpoint_is_documented_with_its_errors(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    assert len(paths) == len(v1)
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "403"} <= set(responses), f"{method} {path}"
            if "{" in path:
                assert "404" in responses, f"{method} {path}"
            assert operation.get("description") or operation.get("summary"), f"{method} {path} is not described"
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{method} {path}: {parameter['name']} is not described"
            for code in ("400", "401", "403", "404", "409"):
                if code in responses:
                    assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] == "apiKey"


def test_interactive_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


def test_interactive_docs_start_from_a_script_file_not_an_inline_script(client):
    """The Content-Security-Policy refuses inline scripts and styles: the page loads Swagger UI's start-up script
    from the split view's ?script answer and its own style from a static file."""
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert "<style" not in page and "api/swagger.css" in page
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
