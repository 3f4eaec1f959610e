"""Amount roles for rows stored before roles existed (``entities.role``/``role_rule``,
``clauses.decided_amount``): :func:`backfill`, run once by :func:`protokoll.store.migrate`
when it adds those columns.

The roles are worked out from what the database holds — each item's text, its decisions'
clauses and its MONEY entities — by the same rules as tagging (:mod:`protokoll.nlp.roles`),
so an old database sums decided money without importing its files again.
"""

from __future__ import annotations

from protokoll.records import Decision, Entity, Item

# The clauses' decided amounts from their entities (the store's rule in _clause_row).
DECIDED_AMOUNT = """
UPDATE clauses SET decided_amount = (
    SELECT sum(e.value) FROM entities e
    WHERE e.item_id = clauses.item_id AND e.label = 'MONEY' AND e.role = 'decided'
      AND coalesce(e.currency, 'SEK') = 'SEK'
      AND e.start >= clauses.start AND e."end" <= clauses."end")
WHERE clauses.amounts IS NOT NULL
"""


def backfill(db) -> int:
    """Give every stored MONEY entity in an item its role, and every clause with amounts
    its ``decided_amount``, in one transaction. Returns the number of items read."""
    from protokoll.nlp.roles import item_roles  # the tagger's rules, loaded only when needed

    conn = db.conn
    item_ids = [r[0] for r in conn.execute(
        "SELECT DISTINCT item_id FROM entities WHERE label = 'MONEY' AND item_id IS NOT NULL AND role IS NULL")]
    with conn:
        for item_id in item_ids:
            item = _item(conn, item_id)
            money = [(row[0], Entity(label="MONEY", text="", item=None, start=row[1], end=row[2], value=row[3]))
                     for row in conn.execute(
                         'SELECT id, start, "end", value FROM entities WHERE item_id = ? AND label = \'MONEY\'',
                         [item_id])
                     if isinstance(row[3], (int, float))]
            conn.executemany("UPDATE entities SET role = ?, role_rule = ? WHERE id = ?",
                             [(role, rule, n) for n, (role, rule) in item_roles(item, money).items()])
        conn.execute(DECIDED_AMOUNT)
    return len(item_ids)


def _item(conn, item_id: str) -> Item:
    text = conn.execute("SELECT text FROM items WHERE id = ?", [item_id]).fetchone()[0] or ""
    decisions = []
    for (decision_id,) in conn.execute("SELECT id FROM decisions WHERE item_id = ? ORDER BY position", [item_id]):
        clauses = tuple(t or "" for (t,) in conn.execute(
            "SELECT text FROM clauses WHERE decision_id = ? ORDER BY position", [decision_id]))
        decisions.append(Decision(by=None, kind="decision", outcome="decided", text="", clauses=clauses))
    return Item(number="", label="", text=text, decisions=tuple(decisions))
