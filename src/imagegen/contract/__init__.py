"""The contract: request/response shapes, the single table of limits, and the error tree.

This package is the bottom layer: it imports nothing else from imagegen.
"""
