"""A JSON field kept as text, in the order it was written.

PostgreSQL's jsonb stores an object's keys sorted by length and name, so a policy read back
from it lists its states, actions, outcomes and categories in another order than the preset
wrote them, and that order is meaning: the case page offers actions in it, choice lists show
outcomes in it. SQLite keeps JSON as text already; this field does so on every database."""

import json

from django.db import models


class OrderedJSONField(models.JSONField):
    def db_type(self, connection):
        return "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None:
            return None
        return json.dumps(value, cls=self.encoder, ensure_ascii=False)
