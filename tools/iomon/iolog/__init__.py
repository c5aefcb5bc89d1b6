"""iolog: the I/O monitor's log as the device-state server streams it.

One module per stage:
    records     -> IOMON and IOMON-DROPPED lines found in a serial log and
                   validated (records, drop reports, malformed lines)
    statistics  -> per-device and per-client counts, rates, drops
    text        -> the log as a table and the statistics as tables
    timeline    -> the per-client timeline and per-device bars as SVG
Only the Python 3 standard library is used.
"""
