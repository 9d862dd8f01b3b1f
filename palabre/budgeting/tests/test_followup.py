"""Follow-up of the selected projects (services/followup.py) and the reads behind the follow-up pages."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palabre.budgeting.models import FollowUpStatus, ProjectUpdate, Proposal
from palabre.budgeting.queries.results import project_followup, selected_projects
from palabre.budgeting.services.followup import project_update_add
from palabre.budgeting.services.results import results_compute, results_publish
from palabre.budgeting.tests import test_results
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
from palabre.core.models import AuditEvent

voted = test_results.voted  # the fixture: voting closed, ballots in both envelopes
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def published(voted, planner):
    """Greedy results published: projects 3 and 4 (commune-wide), 11 (Passagon) selected."""
    voted.tally_rule = "greedy"
    voted.save()
    results_compute(cycle=voted, by=planner)
    results_publish(cycle=voted, by=planner)
    return voted


def _add(proposal, planner, **changes):
    values = {"status": FollowUpStatus.IN_PROGRESS, "progress": 40, "spent": 1_500_000, "note": "Fondations"}
    return project_update_add(proposal=proposal, **(values | changes), by=planner)


def test_an_update_of_a_selected_project_is_published_and_audited(published, planner):
    proposal = Proposal.objects.get(number=3)
    update = _add(proposal, planner)
    assert (update.status, update.progress, update.spent, update.created_by) == (
        "in_progress",
        40,
        1_500_000,
        planner,
    )
    event = AuditEvent.objects.get(action="budgeting.project_updated")
    assert (event.target_id, event.actor_id, event.data["progress"]) == (str(proposal.pk), planner.pk, 40)


def test_an_update_can_carry_a_photo(published, planner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    update = _add(Proposal.objects.get(number=3), planner, photo=SimpleUploadedFile("chantier.png", PNG))
    assert update.photo.name.startswith("budgeting/followup/")


def test_only_selected_projects_have_a_follow_up(published, planner):
    with pytest.raises(ValidationError):
        _add(Proposal.objects.get(number=1), planner)
    assert not ProjectUpdate.objects.exists()


def test_no_follow_up_before_results_are_published(voted, planner):
    results_compute(cycle=voted, by=planner)
    selected = Proposal.objects.filter(is_selected=True).first()
    with pytest.raises(ValidationError):
        _add(selected, planner)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"status": "finished"}, "status"),
        ({"status": FollowUpStatus.DONE, "progress": 90}, "progress"),
    ],
)
def test_bad_updates_are_refused_next_to_their_field(published, planner, changes, field):
    with pytest.raises(ValidationError) as refused:
        _add(Proposal.objects.get(number=3), planner, **changes)
    assert set(refused.value.error_dict) == {field}


def test_project_followup_lists_updates_newest_first(published, planner):
    proposal = Proposal.objects.get(number=3)
    _add(proposal, planner, progress=10, spent=None)
    _add(proposal, planner, progress=60, spent=2_000_000)
    _add(proposal, planner, progress=70, spent=None)
    followup = project_followup(proposal)
    assert [update.progress for update in followup.updates] == [70, 60, 10]
    assert followup.latest.progress == 70
    assert followup.spent_display == "2\u202f000\u202f000"
    assert followup.cost_display == "4\u202f000\u202f000"


def test_selected_projects_of_a_commune(published, planner, bohicon, toffo):
    _add(Proposal.objects.get(number=4), planner, progress=20)
    _add(Proposal.objects.get(number=4), planner, progress=50)
    unpublished = CycleFactory(commune=bohicon)
    ProposalFactory(envelope=EnvelopeFactory(cycle=unpublished), number=1, is_selected=True)
    ProposalFactory(envelope=EnvelopeFactory(cycle=CycleFactory(commune=toffo)), number=1, is_selected=True)
    with CaptureQueriesContext(connection) as queries:
        projects = selected_projects(bohicon)
    assert len(queries) == 2
    assert [proposal.number for proposal in projects] == [3, 4, 11]
    assert projects[0].latest_update is None
    assert projects[1].latest_update.progress == 50
