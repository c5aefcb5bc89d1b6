"""The log as a picture: a per-client timeline and per-device bars, in SVG.

Top: one lane per client (by name), one mark per request at its tsc (guest
instructions since the first record): the mark's colour says which device,
its shape what became of the request (legend below the axis).  Each mark
carries a <title> with the whole record, which browsers show on hover.
Bottom: per device, a bar as long as its share of requests, with its bytes,
rate and outcomes; then the drop counts.

The document is built with xml.etree, which escapes every name taken from
the log in text and attributes; names are printable ASCII (records.py), so
the result is always well-formed XML.  Text widths are estimated for a
monospace font (about 0.6 em a character), which is what the layout uses
to make room for labels.  Output is deterministic: same log, same bytes.
"""
import xml.etree.ElementTree as ET

from .records import OUTCOMES
from .text import rate_text

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Okabe-Ito colours (told apart by colour-blind readers), yellow left out
# (unreadable on white); devices beyond eight reuse them in order.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000",
           "#999999")
ERROR_OUTLINE = "#d00000"
LEGEND_INK = "#555555"
FONT_SIZE = 12
CHAR_WIDTH = 7.2
MIN_WIDTH = 960
MARGIN = 16
LABEL_CHARS = 24  # longer names are cut in labels (not in titles)
LANE_HEIGHT = 30
BAR_MAX = 280
BAR_ROW = 34
TICK_TARGET = 8
_UNITS = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k"))


def _n(value):
    """A coordinate as short text: at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text_width(text):
    return len(text) * CHAR_WIDTH


def label(name):
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 3] + "..."


def nice_step(span):
    """A tick step of 1, 2 or 5 times a power of ten giving about
    TICK_TARGET ticks over `span` instructions (an int >= 1)."""
    raw = max(1, span // TICK_TARGET)
    magnitude = 10 ** (len(str(raw)) - 1)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    raise AssertionError("unreachable: 10 * magnitude > raw")


def tick_label(value, largest):
    """`value` instructions in the unit of the largest tick: 0, 50M, 1.5G."""
    if value == 0:
        return "0"
    for unit, suffix in _UNITS:
        if largest >= unit:
            whole, part = divmod(value, unit)
            if part == 0:
                return f"{whole}{suffix}"
            return f"{value / unit:g}{suffix}"
    return str(value)


def mark_title(record):
    return (f"seq {record.seq}, tsc {record.tsc}: {record.client} thread {record.thread}, "
            f"{record.device} register 0x{record.register:x} value 0x{record.value:x}, "
            f"count {record.count} size {record.size}, {record.outcome}")


class _Drawing:
    """An <svg> element under construction, with the shapes used."""

    def __init__(self):
        self.root = ET.Element("svg", {"xmlns": SVG_NAMESPACE, "font-family": "monospace",
                                       "font-size": str(FONT_SIZE)})

    def add(self, parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, tag, {key.rstrip("_").replace("_", "-"): value
                                              for key, value in attributes.items()})
        if text is not None:
            element.text = text
        return element

    def text(self, parent, x, y, text, **attributes):
        return self.add(parent, "text", text, x=_n(x), y=_n(y), **attributes)

    def mark(self, parent, outcome, x, y, colour):
        """The shape of an outcome, centred on (x, y)."""
        if outcome == "forwarded":
            return self.add(parent, "rect", x=_n(x - 1.5), y=_n(y - 7), width="3", height="14",
                            fill=colour)
        if outcome == "rewritten":
            return self.add(parent, "polygon", fill=colour,
                            points=f"{_n(x)},{_n(y - 7)} {_n(x + 5)},{_n(y + 6)} "
                                   f"{_n(x - 5)},{_n(y + 6)}")
        if outcome == "virtual":
            return self.add(parent, "circle", cx=_n(x), cy=_n(y), r="4.5", fill="#ffffff",
                            stroke=colour, stroke_width="1.5")
        if outcome == "deferred":
            return self.add(parent, "polygon", fill="#ffffff", stroke=colour, stroke_width="1.5",
                            points=f"{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y)} "
                                   f"{_n(x)},{_n(y + 6)} {_n(x - 6)},{_n(y)}")
        if outcome == "refused":
            return self.add(parent, "path", stroke=colour, stroke_width="2", fill="none",
                            d=f"M{_n(x - 4)} {_n(y - 4)}L{_n(x + 4)} {_n(y + 4)}"
                              f"M{_n(x - 4)} {_n(y + 4)}L{_n(x + 4)} {_n(y - 4)}")
        assert outcome == "error", outcome
        return self.add(parent, "rect", x=_n(x - 4.5), y=_n(y - 4.5), width="9", height="9",
                        fill=colour, stroke=ERROR_OUTLINE, stroke_width="2")


class _Layout:
    """Where things go: the label column, the plot's x range, the width."""

    def __init__(self, log, stats, colours):
        names = [record.client for record in log.records] + list(colours)
        self.plot_left = MARGIN + max([_text_width(label(name)) for name in names] + [64]) + 12
        bar_texts = [text for device in stats.devices for text in _bar_texts(device)]
        needed = self.plot_left + BAR_MAX + 8 + max([_text_width(t) for t in bar_texts] + [0])
        self.width = max(MIN_WIDTH, int(needed + MARGIN + 0.5))
        self.plot_right = self.width - MARGIN - 8

    def x(self, tsc, stats):
        if stats.span == 0:
            return self.plot_left
        share = (tsc - stats.first_tsc) / stats.span
        return self.plot_left + share * (self.plot_right - self.plot_left)


def _bar_texts(device):
    outcomes = ", ".join(f"{outcome} {device.outcomes[outcome]}" for outcome in OUTCOMES
                         if device.outcomes[outcome])
    return (f"{device.requests} requests, {device.bytes} bytes, "
            f"{rate_text(device.rate)} per M instructions", outcomes)


def _title_text(stats):
    clients, devices = len(stats.clients), len(stats.devices)
    return (f"I/O monitor: {stats.total.requests} requests from {clients} "
            f"client{'s' if clients != 1 else ''} to {devices} device{'s' if devices != 1 else ''} "
            f"over {stats.span} guest instructions")


def _lanes(drawing, parent, log, stats, layout, colours, top):
    clients = [entry.name for entry in stats.clients]
    by_client = {client: [] for client in clients}
    for record in log.records:
        by_client[record.client].append(record)
    for index, client in enumerate(clients):
        y = top + index * LANE_HEIGHT
        lane = drawing.add(parent, "g", class_="lane", data_client=client)
        drawing.add(lane, "title", f"{client}: {stats.clients[index].requests} requests")
        drawing.add(lane, "rect", x=_n(layout.plot_left - 4), y=_n(y), height=str(LANE_HEIGHT),
                    width=_n(layout.plot_right - layout.plot_left + 8),
                    fill="#f4f4f4" if index % 2 == 0 else "#ffffff")
        drawing.text(lane, layout.plot_left - 12, y + LANE_HEIGHT / 2 + 4, label(client),
                     text_anchor="end")
        for record in by_client[client]:
            shape = drawing.mark(lane, record.outcome, layout.x(record.tsc, stats),
                                 y + LANE_HEIGHT / 2, colours[record.device])
            shape.set("class", "mark")
            drawing.add(shape, "title", mark_title(record))
    return top + len(clients) * LANE_HEIGHT


def _axis(drawing, parent, stats, layout, top):
    axis = drawing.add(parent, "g", class_="axis")
    drawing.add(axis, "line", x1=_n(layout.plot_left), x2=_n(layout.plot_right), y1=_n(top),
                y2=_n(top), stroke="#000000")
    step = nice_step(stats.span) if stats.span else 1
    ticks = list(range(0, stats.span + 1, step))
    for value in ticks:
        x = layout.x(stats.first_tsc + value, stats)
        drawing.add(axis, "line", x1=_n(x), x2=_n(x), y1=_n(top), y2=_n(top + 5),
                    stroke="#000000")
        drawing.text(axis, x, top + 18, tick_label(value, ticks[-1]), text_anchor="middle")
    drawing.text(axis, layout.plot_left, top + 36,
                 f"guest instructions since the first record "
                 f"(tsc {stats.first_tsc}, under -icount)")
    return top + 44


def _legend(drawing, parent, layout, colours, top):
    """Two rows that wrap: the devices' colours, the outcomes' shapes."""
    legend = drawing.add(parent, "g", class_="legend")
    rows = (("device", list(colours)), ("outcome", list(OUTCOMES)))
    y = top
    for heading, names in rows:
        drawing.text(legend, layout.plot_left - 12, y + 4, heading, text_anchor="end")
        x = layout.plot_left + 6
        for name in names:
            width = 16 + _text_width(label(name)) + 18
            if x + width > layout.plot_right and x > layout.plot_left + 6:
                x, y = layout.plot_left + 6, y + 20
            if heading == "device":
                drawing.add(legend, "rect", x=_n(x - 5), y=_n(y - 5), width="10", height="10",
                            fill=colours[name])
            else:
                drawing.mark(legend, name, x, y, LEGEND_INK)
            drawing.text(legend, x + 12, y + 4, label(name))
            x += width
        y += 24
    return y


def _bars(drawing, parent, stats, layout, colours, top):
    bars = drawing.add(parent, "g", class_="bars")
    drawing.text(bars, MARGIN, top + 4, "requests per device", font_weight="bold")
    top += 16
    most = max([device.requests for device in stats.devices] + [1])
    for index, device in enumerate(stats.devices):
        y = top + index * BAR_ROW
        row = drawing.add(bars, "g", class_="bar", data_device=device.name)
        drawing.text(row, layout.plot_left - 12, y + 11, label(device.name), text_anchor="end")
        length = max(1.0, BAR_MAX * device.requests / most)
        drawing.add(row, "rect", x=_n(layout.plot_left), y=_n(y), width=_n(length), height="14",
                    fill=colours[device.name])
        summary, outcomes = _bar_texts(device)
        drawing.text(row, layout.plot_left + length + 8, y + 11, summary)
        drawing.text(row, layout.plot_left + length + 8, y + 26, outcomes, fill=LEGEND_INK)
    return top + len(stats.devices) * BAR_ROW


def render(log, stats):
    """The SVG document (text) of a parsed log and its statistics."""
    colours = {device.name: PALETTE[index % len(PALETTE)]
               for index, device in enumerate(stats.devices)}
    layout = _Layout(log, stats, colours)
    drawing = _Drawing()
    root = drawing.root
    drawing.add(root, "title", _title_text(stats))
    background = drawing.add(root, "rect", x="0", y="0", fill="#ffffff")
    drawing.text(root, MARGIN, 24, _title_text(stats), font_size="14", font_weight="bold")
    body = drawing.add(root, "g")
    y = 40
    if log.records:
        y = _lanes(drawing, body, log, stats, layout, colours, y)
        y = _axis(drawing, body, stats, layout, y + 6)
        y = _legend(drawing, body, layout, colours, y + 4)
        y = _bars(drawing, body, stats, layout, colours, y + 12)
    else:
        drawing.text(body, MARGIN, y + 12, "no IOMON records in the log")
        y += 20
    footer = (f"dropped by the ring (IOMON-DROPPED): {stats.ring_dropped}; "
              f"missing sequence numbers: {stats.missing}; "
              f"malformed IOMON lines: {len(log.malformed)}")
    drawing.text(body, MARGIN, y + 20, footer, class_="drops")
    height = int(y + 20 + MARGIN)
    for element in (root, background):
        element.set("width", str(layout.width))
        element.set("height", str(height))
    root.set("viewBox", f"0 0 {layout.width} {height}")
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
