"""Policy assertions: statements about who may hold what, checked when the
deployment is built, so a wrong connection or device grant never boots.

    assert only fdc holds ioports 0x3f0..0x3f7;   (also: irq N, mmio ADDR SIZE, dma)
    assert linux may not reach itron.fs;          (or: itron, any interface it provides)
    assert nothing reaches both net.tx and disk.blk;

"Reach" means: holds, through a connection, a capability to the endpoint of
that provided interface (one hop; the server's own capability does not
count).  "Holds" a device resource means a declaration of the instance's
component overlaps it.
"""
from dataclasses import dataclass, field
from typing import List, Optional

from kidl.diagnostics import Location

from . import syntax
from .model import size_text


@dataclass
class Assertion:
    statement: str            # as the audit shows it
    location: Location
    kind: str                 # "only_holds", "may_not_reach", "nothing_reaches_both"
    holders: list = field(default_factory=list)      # only_holds: Instances
    resource: Optional[syntax.Resource] = None
    instance: object = None                          # may_not_reach: the Instance
    targets: List[list] = field(default_factory=list)  # Endpoint lists, with their names
    target_names: List[str] = field(default_factory=list)


@dataclass
class Outcome:
    assertion: Assertion
    violations: list  # (message, notes) pairs; empty: the assertion holds

    @property
    def held(self):
        return not self.violations


def _resource_text(resource):
    if resource.kind == "ioports":
        return f"ioports {resource.first.text}..{resource.last.text}"
    if resource.kind == "irq":
        return f"irq {resource.first.text}"
    if resource.kind == "mmio":
        return f"mmio {resource.first.text} {resource.last.text}"
    return "dma"


def resolve(statements, deployment, error):
    """Assertions with their names resolved; unknown names go to error()."""
    result = []
    for statement in statements:
        if isinstance(statement, syntax.OnlyHolds):
            holders = [_instance(deployment, name, error) for name in statement.holders]
            text = (f"only {', '.join(h.text for h in statement.holders)} holds "
                    f"{_resource_text(statement.resource)}")
            if all(holders) and _resource_ok(statement.resource, error):
                result.append(Assertion(text, statement.location, "only_holds", holders=holders,
                                        resource=statement.resource))
        elif isinstance(statement, syntax.MayNotReach):
            instance = _instance(deployment, statement.instance, error)
            target = _endpoints(deployment, statement.target, error)
            if instance and target is not None:
                result.append(Assertion(f"{statement.instance.text} may not reach "
                                        f"{statement.target}", statement.location,
                                        "may_not_reach", instance=instance, targets=[target],
                                        target_names=[str(statement.target)]))
        else:
            first = _endpoints(deployment, statement.first, error)
            second = _endpoints(deployment, statement.second, error)
            if first is not None and second is not None:
                result.append(Assertion(f"nothing reaches both {statement.first} and "
                                        f"{statement.second}", statement.location,
                                        "nothing_reaches_both", targets=[first, second],
                                        target_names=[str(statement.first), str(statement.second)]))
    return result


def _instance(deployment, name, error):
    instance = deployment.instance(name.text)
    if instance is None:
        error(name.location, f"unknown instance '{name.text}'")
    return instance


def _endpoints(deployment, ref, error):
    """The endpoints instance.interface (or every one the instance provides) names."""
    instance = _instance(deployment, ref.instance, error)
    if instance is None:
        return None
    provided = [e for e in deployment.endpoints if e.server is instance]
    if ref.member is None:
        return provided
    chosen = [e for e in provided if e.decl.name == ref.member.text]
    if not chosen:
        error(ref.member.location, f"instance '{instance.name}' (component "
              f"'{instance.type.name}') provides no interface '{ref.member.text}'")
        return None
    return chosen


def _resource_ok(resource, error):
    if resource.kind == "ioports" and resource.first.value > resource.last.value:
        error(resource.first.location, f"port range {resource.first.text}.."
              f"{resource.last.text} is empty: the first port is above the last")
        return False
    if resource.kind == "mmio" and resource.last.value == 0:
        error(resource.last.location, "MMIO size 0 covers nothing")
        return False
    return True


# Evaluation.

def _holds(decl, resource):
    """Whether a declaration covers any of the resource."""
    if resource.kind == "ioports":
        return decl.kind == "ioports" and decl.first <= resource.last.value \
            and resource.first.value <= decl.last
    if resource.kind == "irq":
        return decl.kind == "irq" and decl.line == resource.first.value
    if resource.kind == "mmio":
        end = resource.first.value + resource.last.value
        return decl.kind == "mmio" and decl.address < end \
            and resource.first.value < decl.address + decl.size
    return decl.kind == "dma"


def _held_text(decl):
    if decl.kind == "ioports":
        return f"holds ports 0x{decl.first:x}..0x{decl.last:x}"
    if decl.kind == "irq":
        return f"holds IRQ {decl.line}"
    if decl.kind == "mmio":
        return f"holds MMIO 0x{decl.address:x}..0x{decl.address + decl.size - 1:x}"
    return f"has DMA memory ({size_text(decl.size)})"


def _quoted(names):
    return ", ".join(f"'{n}'" for n in names)


def _only_holds(assertion, deployment):
    violations = []
    for instance in sorted(deployment.instances, key=lambda i: i.declared):
        if any(instance is h for h in assertion.holders):
            continue
        for decl in instance.type.decls:
            if _holds(decl, assertion.resource):
                violations.append((
                    f"assertion failed: only {_quoted(h.name for h in assertion.holders)} may "
                    f"hold {_resource_text(assertion.resource)}, but '{instance.name}' "
                    f"{_held_text(decl)} ('{instance.name}.{decl.name}')",
                    [(decl.location, "declared here")]))
    return violations


def _reaching(instance, endpoints):
    """The instance's connections to any of the endpoints."""
    return [c for c in instance.connections.values()
            if any(c.endpoint is e for e in endpoints)]


def _may_not_reach(assertion, deployment):
    instance = assertion.instance
    return [(f"assertion failed: '{instance.name}' may not reach '{assertion.target_names[0]}', "
             f"but '{instance.name}.{c.used.name}' is connected to '{c.endpoint}'",
             [(c.location, "connected here")])
            for c in sorted(_reaching(instance, assertion.targets[0]), key=lambda c: c.number)]


def _nothing_reaches_both(assertion, deployment):
    violations = []
    first_name, second_name = assertion.target_names
    for instance in sorted(deployment.instances, key=lambda i: i.declared):
        first = _reaching(instance, assertion.targets[0])
        second = _reaching(instance, assertion.targets[1])
        if first and second:
            violations.append((
                f"assertion failed: nothing may reach both '{first_name}' and '{second_name}', "
                f"but '{instance.name}' reaches both",
                [(first[0].location, f"'{instance.name}' reaches '{first[0].endpoint}' here"),
                 (second[0].location, f"and '{second[0].endpoint}' here")]))
    return violations


_EVALUATORS = {
    "only_holds": _only_holds,
    "may_not_reach": _may_not_reach,
    "nothing_reaches_both": _nothing_reaches_both,
}


def evaluate(deployment):
    """One Outcome per assertion, in source order."""
    return [Outcome(a, _EVALUATORS[a.kind](a, deployment)) for a in deployment.assertions]
