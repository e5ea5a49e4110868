"""The bean ledger, merchants, redemptions, tiers, awards and the negative list (issue #5)."""
