"""Two contract types of our own for import-linter (`make lint`, pyproject.toml).

- `acyclic`: no module imports one that imports it back, directly or around a longer circle.
  import-linter's own `acyclic_siblings` looks at packages; this looks at modules, which is
  what a reader follows. Imports inside functions count as much as those at the top.
- `pure`: the pure modules (parsers, arithmetic, grading, charts...) reach neither the
  database layer (`django.db`) nor any models module, through any chain of imports.
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

ROOTS = ("lms", "courses", "assessments")


def _internal(graph: ImportGraph) -> list[str]:
    return sorted(m for m in graph.modules if m.split(".")[0] in ROOTS)


def circles(graph: ImportGraph) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan), each sorted."""
    modules = _internal(graph)
    inside = set(modules)
    edges = {
        m: sorted(n for n in graph.find_modules_directly_imported_by(m) if n in inside)
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in modules:
        if start in index:
            continue
        # iterative depth-first search: (module, position in its edges)
        work = [(start, 0)]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, i = work[-1]
            if i < len(edges[node]):
                work[-1] = (node, i + 1)
                nxt = edges[node][i]
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


class AcyclicModulesContract(Contract):
    """No import circle between the modules of the root packages."""

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        found = circles(graph)
        details = []
        for circle in found:
            members = set(circle)
            arrows = [
                f"{a} -> {b} (line {_lines(graph, a, b)})"
                for a in circle
                for b in sorted(graph.find_modules_directly_imported_by(a) & members)
            ]
            details.append(arrows)
        return ContractCheck(kept=not found, metadata={"circles": details})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for arrows in check.metadata["circles"]:
            output.print_error("A circle of imports:", bold=True)
            for arrow in arrows:
                output.indent_cursor()
                output.print_error(arrow, bold=False)
            output.new_line()


class PureModulesContract(Contract):
    """The listed modules reach neither `django.db` nor a models module, however indirectly."""

    modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        broken = []
        for module in self.modules:
            if module not in graph.modules:
                broken.append((module, ["no such module"]))
                continue
            reached = {module} | {
                m for m in graph.find_upstream_modules(module) if m.split(".")[0] in ROOTS
            }
            impure = sorted(m for m in reached if _is_models(m) or _uses_database(graph, m))
            why = []
            for m in impure:
                chain = [module] if m == module else graph.find_shortest_chain(module, m)
                if any(c != m and c in impure for c in chain):
                    continue  # reached through another impure module: that one is named
                what = "a models module" if _is_models(m) else "uses django.db"
                why.append(" -> ".join(chain) + f" ({what})")
            if why:
                broken.append((module, why))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, why in check.metadata["broken"]:
            output.print_error(f"{module} is not pure:", bold=True)
            for line in why:
                output.indent_cursor()
                output.print_error(line, bold=False)
            output.new_line()


def _lines(graph: ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(str(d["line_number"]) for d in details)


def _is_models(module: str) -> bool:
    return module.endswith(".models") or ".models." in module


def _uses_database(graph: ImportGraph, module: str) -> bool:
    """Whether `module` imports from `django.db` (the graph keeps external packages whole, so
    the import's line says which part of Django)."""
    if "django" not in graph.modules:
        return False
    details = graph.get_import_details(importer=module, imported="django")
    return any("django.db" in d["line_contents"] for d in details)
