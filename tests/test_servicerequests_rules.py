"""Pure rules of service requests: status transitions, references, attachment names and types."""

from __future__ import annotations

import pytest

from partnercenter.errors import Code, Conflict, Invalid
from partnercenter.roles import Role
from servicerequests import files, rules
from servicerequests.models import Status
from tests.servicerequests_support import EXE, PDF, PNG, upload


def test_closed_is_final_and_resolved_may_be_reopened():
    assert rules.next_statuses(Status.CLOSED) == []
    assert rules.next_statuses(Status.RESOLVED) == [Status.IN_PROGRESS, Status.CLOSED]
    assert Status.NEW not in rules.next_statuses(Status.IN_PROGRESS)
    with pytest.raises(Conflict) as closed:
        rules.check_transition(Status.CLOSED, Status.IN_PROGRESS)
    assert closed.value.field == "status" and "closed" in closed.value.message
    with pytest.raises(Conflict) as back:
        rules.check_transition(Status.IN_PROGRESS, Status.NEW)
    assert back.value.message == "A service request that is In progress cannot become New."
    with pytest.raises(Invalid):
        rules.check_transition(Status.NEW, "done")
    rules.check_transition(Status.NEW, Status.RESOLVED)


def test_a_customer_comment_gives_the_turn_back_to_the_partner_only_when_it_was_waiting():
    assert rules.after_customer_comment(Status.WAITING_FOR_CUSTOMER) == Status.IN_PROGRESS
    assert {rules.after_customer_comment(s) for s in (Status.NEW, Status.IN_PROGRESS, Status.RESOLVED)} == {None}
    with pytest.raises(Conflict):
        rules.check_commentable(Status.CLOSED)


def test_only_roles_that_work_on_service_requests_may_be_assigned():
    assert rules.may_be_assigned({Role.HELPDESK_AGENT}) and rules.may_be_assigned({Role.ADMIN_AGENT})
    assert not rules.may_be_assigned({Role.SALES_AGENT, Role.BILLING_ADMIN})
    assert not rules.may_be_assigned({Role.CUSTOMER_GLOBAL_ADMIN})


def test_references_print_and_parse():
    assert rules.reference(123) == "SR-000123"
    assert [rules.parse_reference(t) for t in ("SR-000123", "sr-123", " 123 ", "SR-x", "", "1" * 12)] == [
        123, 123, 123, None, None, None]


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("/abs/path/report.pdf", "report.pdf"),
    (".hidden.txt", "hidden.txt"),
    ("bad\x00name\n.txt", "badname.txt"),
    ("a<b>c|d\"e.log", "a_b_c_d_e.log"),
    ("Prüfbericht März.csv", "Prüfbericht März.csv"),
    ("..", ""),
])
def test_the_shown_name_is_a_safe_basename(raw, safe):
    assert files.safe_name(raw) == safe
    assert "/" not in files.safe_name(raw) and "\\" not in files.safe_name(raw)


def test_a_long_name_keeps_its_extension():
    name = files.safe_name("x" * 300 + ".pdf")
    assert len(name) == files.NAME_MAX and name.endswith(".pdf")


def test_the_storage_name_has_nothing_of_the_upload():
    name = files.storage_name("p", "r")
    assert name.startswith("service-requests/p/r/") and ".." not in name


@pytest.mark.parametrize(("name", "content"), [("shot.png", PNG), ("photo.JPEG", b"\xff\xd8\xff\xe0rest"),
                                               ("doc.pdf", PDF), ("logs.zip", b"PK\x03\x04rest"),
                                               ("app.log", b"ERROR x\n"), ("data.csv", "a;b\nä;ö\n".encode())])
def test_allowed_files_pass(name, content):
    checked = files.check_upload(upload(name, content))
    assert checked.kind in files.ALLOWED and checked.size == len(content)


@pytest.mark.parametrize(("name", "content", "words"), [
    ("setup.exe", EXE, "only these file types"),
    ("passwd", b"root:x:0:0\n", "only these file types"),  # ../../etc/passwd arrives as basename "passwd"
    ("../../etc/passwd", b"root:x:0:0\n", "only these file types"),
    ("invoice.pdf", EXE, "content does not match"),
    ("screenshot.png", b"GIF89a....", "content does not match"),
    ("notes.txt", EXE, "content does not match"),
    ("notes.txt", b"abc\x00def", "content does not match"),
    ("empty.txt", b"", "is empty"),
])
def test_wrong_types_and_names_are_refused_beside_the_field(name, content, words):
    with pytest.raises(Invalid) as refused:
        files.check_upload(upload(name, content))
    assert refused.value.field == "attachments" and refused.value.code == Code.INVALID
    assert words in refused.value.message


def test_the_size_limit_comes_from_the_setting(settings):
    settings.SERVICE_REQUEST_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(Invalid) as big:
        files.check_upload(upload("a.txt", b"x" * 11))
    assert "too large" in big.value.message and "Files may be up to 10 B" in big.value.message
    files.check_upload(upload("a.txt", b"x" * 10))


def test_at_most_five_files_at_a_time():
    with pytest.raises(Invalid):
        files.check_uploads([upload(f"{i}.txt") for i in range(files.MAX_FILES + 1)])
