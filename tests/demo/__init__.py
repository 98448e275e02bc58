"""Tests of the embedded demo fleet emulation (ecr_report.jobs.demo)."""
