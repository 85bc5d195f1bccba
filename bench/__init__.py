"""Load generation and ledger checks for KasserPro (see bench/README.md)."""
