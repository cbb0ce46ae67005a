"""The influencer catalogue: creators, their platform accounts, engagement history, audiences,
follower and comment samples, the metrics derived from them, imports and connectors.

It imports only `core`. When catalogue data changes it announces it through
`influencers.follow_ups`, which the apps above (vision, vetting) subscribe to.
"""
