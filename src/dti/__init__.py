"""dti: the platform for Vietnam's Digital Transformation Index (Bộ chỉ số DTI) assessments."""

__version__ = "0.1.0"
