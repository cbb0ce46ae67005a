"""Vision services: embedding (`embedding`), the index (`index`), search (`search`), aesthetic
profiles and mood-board similarity (`profiles`), reused images (`reuse`) and jobs (`jobs`)."""
