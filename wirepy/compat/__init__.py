"""Drop-in replacements for other Python bindings, built on wirepy's layers.

:mod:`wirepy.compat.pcapy`: pcapy / pcapy-ng on :mod:`wirepy.lib.pcap`.
"""
