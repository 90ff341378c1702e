"""The ground floor: negotiation state arrays, utility, shared outcome types, intervals and seeds.

Nothing here imports anything else from ``sim``; every other package may import from here.
"""
