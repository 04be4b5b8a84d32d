"""Slowing down a fault test's worker (LMS_FAULTS_SLOW=1, tests/faults/worker_settings.py), so
that the test can kill it, or restart the database, in the middle of a job:

- imports (check and write): chunks of 100 rows, each followed by 0.2 s;
- a cycle's computation: 8 s inside its transaction, once the cycle's row is locked;
- rendering certificates: one at a time, 0.5 s after each.

Installed by the worker's warm-up (`LMS_WORKER_WARM_UP`), by replacing module attributes."""

import time


def install() -> None:
    from assessments.certificates import pdf
    from assessments.cycles import compute
    from assessments.imports import importing

    importing.CHUNK = 100
    count = importing._count

    def slow_count(outcome, counts):
        time.sleep(0.2)
        return count(outcome, counts)

    importing._count = slow_count

    assessed_people = compute.assessed_people

    def slow_assessed_people(cycle):
        time.sleep(8)
        return assessed_people(cycle)

    compute.assessed_people = slow_assessed_people

    render = pdf.certificates_render

    def slow_render(certificates):
        for certificate in certificates:
            render([certificate])
            time.sleep(0.5)
        return list(certificates)

    pdf.certificates_render = slow_render
