"""The resource library: uploads checked for size and type, search, sharing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carenet.conftest import People, assert_access, client_for
from carenet.cop import services
from carenet.cop.models import Resource
from carenet.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _post(client: Any, cop: Any, upload: Any = None, **extra: Any) -> Any:
    data = {
        "title": "PFA pocket guide",
        "language": "uk",
        "sharing": "cop",
        "tags": "PFA, Guide",
        **extra,
    }
    if upload is not None:
        data["file"] = upload
    return client.post(reverse("cop:resource_new", args=[cop.uuid]), data)


def test_members_share_documents_and_download_them(people: People, open_cop: Any) -> None:
    response = _post(
        client_for(people.practitioner),
        open_cop,
        SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf"),
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.kind == "file" and resource.size_bytes == len(PDF)
    assert resource.tags == ",pfa,guide," and "guide" not in resource.file.name
    download = client_for(people.outsider).get(
        reverse("cop:resource_download", args=[resource.uuid])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="export", object_id=str(resource.uuid)).exists()


def test_office_documents_must_be_real_containers(people: People, open_cop: Any) -> None:
    client = client_for(people.practitioner)
    ok = _post(client, open_cop, SimpleUploadedFile("plan.docx", _docx()))
    assert ok.status_code == 302
    fake = _post(client, open_cop, SimpleUploadedFile("plan.docx", b"PK\x03\x04broken"))
    assert fake.status_code == 200 and "file" in fake.context["form"].errors


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("guide.pdf", b"<html>not a pdf</html>"),
        ("notes.txt", b"\xff\xfe\x00bad"),
        ("empty.pdf", b""),
        ("noextension", PDF),
    ],
)
def test_malformed_files_are_refused(
    people: People, open_cop: Any, name: str, content: bytes
) -> None:
    response = _post(client_for(people.practitioner), open_cop, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Resource.objects.exists()


def test_files_over_the_limit_are_refused(people: People, open_cop: Any, settings: Any) -> None:
    settings.CARENET_COP_MAX_UPLOAD_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    response = _post(client_for(people.practitioner), open_cop, SimpleUploadedFile("big.pdf", big))
    assert response.status_code == 200 and "file" in response.context["form"].errors


def test_a_file_or_a_link_but_not_both(people: People, open_cop: Any) -> None:
    client = client_for(people.practitioner)
    neither = _post(client, open_cop)
    both = _post(client, open_cop, SimpleUploadedFile("g.pdf", PDF), url="https://who.int")
    bad_link = _post(client, open_cop, url="javascript:alert(1)")
    for response in (neither, both, bad_link):
        assert response.status_code == 200 and response.context["form"].errors
    assert _post(client, open_cop, url="https://www.who.int/pfa").status_code == 302


def test_only_members_share(people: People, open_cop: Any, split: Any) -> None:
    assert_access(
        reverse("cop:resource_new", args=[open_cop.uuid]),
        *split(people, "focal_point", "practitioner"),
    )


def test_search_by_words_tags_and_language(people: People, open_cop: Any) -> None:
    def add(title: str, tags: str, language: str) -> Resource:
        return services.resource_add(
            actor=people.practitioner,
            cop=open_cop,
            title=title,
            url="https://example.org/" + title.replace(" ", "-"),
            language=language,
            tags=tags,
        )

    pfa = add("Psychological first aid", "pfa", "en")
    shp = add("Self-Help Plus audio", "sh-plus,groups", "uk")
    client = client_for(people.viewer)
    url = reverse("cop:library", args=[open_cop.uuid])
    assert list(client.get(url, {"q": "first aid"}).context["page"]) == [pfa]
    assert list(client.get(url, {"tag": "groups"}).context["page"]) == [shp]
    assert list(client.get(url, {"language": "uk"}).context["page"]) == [shp]
    assert client.get(url, {"language": "xx"}).status_code == 200


def test_resources_shared_with_everyone_leave_a_private_cop(
    people: People, private_cop: Any
) -> None:
    inner = services.resource_add(
        actor=people.practitioner,
        cop=private_cop,
        title="Members only",
        url="https://example.org/a",
        language="en",
    )
    public = services.resource_add(
        actor=people.practitioner,
        cop=private_cop,
        title="For everyone",
        url="https://example.org/b",
        language="en",
        sharing="everyone",
    )
    page = client_for(people.outsider).get(reverse("cop:network_library")).context["page"]
    assert list(page) == [public]
    assert inner not in page.object_list
    # the CoP's own library page stays closed
    assert (
        client_for(people.outsider).get(reverse("cop:library", args=[private_cop.uuid])).status_code
        == 404
    )


def test_a_private_document_cannot_be_downloaded_by_outsiders(
    people: People, private_cop: Any
) -> None:
    resource = services.resource_add(
        actor=people.practitioner,
        cop=private_cop,
        title="Notes",
        language="en",
        upload=SimpleUploadedFile("notes.txt", "Теми супервізії".encode()),
    )
    url = reverse("cop:resource_download", args=[resource.uuid])
    for user in (people.outsider, people.viewer, people.superuser, people.coordinator):
        assert client_for(user).get(url).status_code == 404
    response = client_for(people.focal_point).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "Теми супервізії".encode()


def test_the_sharer_or_a_facilitator_removes_a_resource(people: People, open_cop: Any) -> None:
    from carenet.cop.tests.conftest import add_member

    add_member(open_cop, people.outsider, people.org_b)
    resource = services.resource_add(
        actor=people.practitioner,
        cop=open_cop,
        title="Old",
        url="https://example.org/old",
        language="en",
    )
    url = reverse("cop:resource_remove", args=[resource.uuid])
    assert client_for(people.outsider).post(url).status_code == 404
    assert client_for(people.focal_point).post(url).status_code == 302
    assert not Resource.objects.exists()
