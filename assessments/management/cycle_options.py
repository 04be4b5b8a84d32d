"""The options the certificate commands share: a cycle by name, an org unit by code or path,
and no progress bar; and finding the cycle and the unit they name (CommandError if not)."""

from django.core.management.base import CommandError

from assessments.certificates import selectors


def add_cycle_options(parser) -> None:
    parser.add_argument("--cycle", required=True, metavar="NAME", help="The cycle's name.")
    parser.add_argument(
        "--org-unit",
        metavar="PATH",
        help='Only this org unit and below: its code, or its names separated by "/" '
        '(e.g. "华东区/浦东站").',
    )
    parser.add_argument("--no-progress", action="store_true", help="No progress bar.")


def cycle_and_unit(name: str, org_unit: str | None):
    """The cycle called `name` and the org unit `org_unit` names (None when not given)."""
    cycle = selectors.find_cycle(name)
    if cycle is None:
        raise CommandError(f"{name}: no such assessment cycle.")
    unit = None
    if org_unit:
        unit = selectors.find_org_unit(org_unit)
        if unit is None:
            raise CommandError(f"{org_unit}: no such org unit (give its code or path).")
    return cycle, unit
