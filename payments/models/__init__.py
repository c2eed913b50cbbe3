from payments.models.bed_days import BedDayComputation, BedDaySummary

__all__ = ["BedDayComputation", "BedDaySummary"]
