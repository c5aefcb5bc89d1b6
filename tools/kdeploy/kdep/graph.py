"""The capability graph in Graphviz DOT, and SVG through `dot -Tsvg`.

One box per component; one node per object a capability reaches (an
endpoint, I/O ports, an IRQ line, MMIO, a shared region, a boot module, a
component's own untyped memory or notification); one edge per
capability, from the holder to the object, labelled with the slot's name,
rights and badge.  DMA-capable components are red and point at "all RAM":
without an IOMMU a device they program can reach all of it.
"""
import subprocess

from . import rights
from .model import size_text


def _quote(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def _attributes(**values):
    return "[" + ", ".join(f"{key}={_quote(str(value))}" for key, value in values.items()) + "]"


def _object_node(cap, holder):
    """(node id, attributes) of what a capability reaches; holder: the
    instance holding it (an untyped or notification is its alone)."""
    decl = cap.decl
    if cap.kind == "endpoint":
        endpoint = cap.endpoint
        return f"ep{endpoint.index}", dict(
            shape="ellipse", style="filled", fillcolor="#fff2cc",
            label=f"{endpoint}\n{endpoint.decl.interface} (endpoint {endpoint.index})")
    if cap.kind == "ioport":
        return f"ports_{decl.first:x}_{decl.last:x}", dict(
            shape="component", label=f"ports\n0x{decl.first:x}..0x{decl.last:x}")
    if cap.kind == "irq" or (cap.kind == "notification" and decl.kind == "irq"):
        return f"irq{decl.line}", dict(shape="diamond", label=f"IRQ {decl.line}")
    if cap.kind == "notification":
        return f"notification_{holder.name}_{decl.name}", dict(
            shape="circle", label=f"notification\n{decl.name}")
    if cap.kind == "untyped":
        return f"untyped_{holder.name}_{decl.name}", dict(
            shape="box3d", label=f"untyped\n{size_text(decl.size)}")
    if cap.kind == "module":
        return f"module_{decl.file}", dict(shape="note", label=f"module\n{decl.file}")
    if cap.kind == "mmio":
        return f"mmio_{decl.address:x}", dict(
            shape="component",
            label=f"MMIO\n0x{decl.address:x}..0x{decl.address + decl.size - 1:x}")
    if cap.kind == "dma":
        return "all_ram", dict(shape="box3d", style="filled", fillcolor="#f4cccc",
                               label="all RAM\n(DMA, no IOMMU)")
    return f"region_{cap.region.name}", dict(
        shape="folder", label=f"shared {cap.region.name}\n{size_text(cap.region.size)}")


def _edge_label(cap):
    decl = cap.decl
    if cap.kind == "endpoint":
        return f"{decl.name} {rights.letters(cap.rights)} badge 0x{cap.badge:x}"
    if cap.kind == "notification" and decl.kind == "irq":
        return f"{decl.name}_notification (delivery)"
    if cap.kind == "module":
        return f"{decl.name} {rights.letters(cap.rights)} max {size_text(decl.size)}"
    if cap.kind == "dma":
        return f"{decl.name} {size_text(decl.size)}"
    return f"{decl.name} {rights.letters(cap.rights)}"


def dot(deployment):
    """The graph as DOT text."""
    out = [f"digraph {_quote(deployment.name)} {{",
           "  graph " + _attributes(rankdir="LR", fontname="Helvetica",
                                    label=f"deployment {deployment.name}: capabilities",
                                    labelloc="t") + ";",
           "  node " + _attributes(fontname="Helvetica", fontsize="10") + ";",
           "  edge " + _attributes(fontname="Helvetica", fontsize="9") + ";"]
    objects, edges = {}, []
    for instance in deployment.instances:
        label = f"{instance.name}\n{instance.type.program}\npriority {instance.priority}"
        color = "#dbe9f6"
        if instance.has_dma:
            label += "\nDMA: all RAM"
            color = "#ea9999"
        out.append(f"  {_quote('c_' + instance.name)} " + _attributes(
            shape="box", style="rounded,filled", fillcolor=color, label=label) + ";")
        for cap in instance.caps:
            node, attributes = _object_node(cap, instance)
            objects.setdefault(node, attributes)
            style = dict(label=_edge_label(cap))
            if cap.kind == "endpoint" and cap.decl.kind == "provides":
                style.update(style="bold", dir="both", arrowtail="dot")
            if cap.kind == "dma":
                style.update(color="#cc0000", fontcolor="#cc0000")
            edges.append(f"  {_quote('c_' + instance.name)} -> {_quote(node)} "
                         + _attributes(**style) + ";")
    out += [f"  {_quote(node)} " + _attributes(**attributes) + ";"
            for node, attributes in objects.items()]
    out += edges
    out.append("}")
    return "\n".join(out) + "\n"


def svg(dot_text, dot_program="dot"):
    """The SVG that Graphviz draws; raises OSError or RuntimeError."""
    result = subprocess.run([dot_program, "-Tsvg"], input=dot_text.encode("utf-8"),
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout
