"""The C-level layer of wirepy: one compiled CFFI module and thin modules
over libpcap, libwiretap, libwsutil and libwireshark (epan)."""
