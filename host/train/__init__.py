"""hypertiny trainer: float training, BN folding, QAT that mirrors the integer engine, checkpoint export.

Run with the system interpreter (Debian python3-torch): /usr/bin/python3 -m host.train --help
"""
