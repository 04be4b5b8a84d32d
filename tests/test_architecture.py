"""The rules the structure keeps: the contract types of tests/architecture.py (run by
`make lint`) find what they are for, and every receiver of the project's apps names its
sender."""

import weakref

import grimp
import pytest
from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.db.models import signals as model_signals
from django.dispatch import Signal
from wagtail import signals as wagtail_signals

from courses.learning import signals as learning_signals
from lms import signals as lms_signals
from tests.architecture import AcyclicModulesContract, PureModulesContract, circles


def graph(*imports, externals=()):
    found = grimp.ImportGraph()
    for importer, imported in imports:
        found.add_import(importer=importer, imported=imported)
    for importer, line in externals:
        found.add_import(importer=importer, imported="django", line_number=1, line_contents=line)
    return found


def test_a_circle_of_modules_is_found_however_long():
    found = graph(
        ("lms.a", "lms.b"),
        ("lms.b", "courses.c"),
        ("courses.c", "lms.a"),
        ("courses.c", "assessments.d"),
        ("assessments.e", "assessments.e2"),
        ("assessments.e2", "assessments.e"),
    )
    assert circles(found) == [["assessments.e", "assessments.e2"], ["courses.c", "lms.a", "lms.b"]]
    contract = AcyclicModulesContract("acyclic", {}, {})
    assert not contract.check(found, verbose=False).kept


def test_imports_that_only_go_down_make_no_circle():
    found = graph(("lms.a", "lms.b"), ("lms.b", "lms.c"), ("lms.a", "lms.c"))
    assert circles(found) == []
    assert AcyclicModulesContract("acyclic", {}, {}).check(found, verbose=False).kept


@pytest.mark.parametrize(
    ("imports", "externals", "pure"),
    [
        ([("assessments.pure", "assessments.helper")], [], True),
        ([], [("assessments.pure", "from django.utils.translation import gettext")], True),
        ([], [("assessments.pure", "from django.db import models")], False),
        ([("assessments.pure", "assessments.models.cycles")], [], False),
        ([("assessments.pure", "assessments.models")], [], False),
        # through another module of the project, however far
        (
            [("assessments.pure", "assessments.helper"), ("assessments.helper", "lms.deep")],
            [("lms.deep", "from django.db.models import Q")],
            False,
        ),
    ],
)
def test_a_pure_module_reaches_neither_the_database_nor_a_model(imports, externals, pure):
    found = graph(*imports, externals=externals)
    found.add_module("assessments.pure")
    contract = PureModulesContract(
        "pure", {"include_external_packages": "True"}, {"modules": ["assessments.pure"]}
    )
    assert contract.check(found, verbose=False).kept is pure


SIGNALS = [
    value
    for module in (
        model_signals,
        auth_signals,
        account_signals,
        mfa_signals,
        wagtail_signals,
        lms_signals,
        learning_signals,
    )
    for value in vars(module).values()
    if isinstance(value, Signal)
]


def test_every_receiver_of_the_project_names_its_sender():
    """A receiver without a sender runs for every sender: on every save of every model, for
    post_save. Each app's receivers.connect() names them (the apps are loaded here)."""
    without = []
    for signal in SIGNALS:
        for (_receiver_id, sender_id), receiver, _is_async in signal.receivers:
            function = receiver() if isinstance(receiver, weakref.ReferenceType) else receiver
            module = getattr(function, "__module__", "") or ""
            if module.split(".")[0] in ("lms", "courses", "assessments") and sender_id == id(None):
                without.append(f"{module}.{function.__qualname__}")
    assert without == []
    connected = {
        getattr(r() if isinstance(r, weakref.ReferenceType) else r, "__module__", "")
        for signal in SIGNALS
        for _key, r, _a in signal.receivers
    }
    assert {"lms.receivers", "courses.receivers", "assessments.receivers"} <= connected
