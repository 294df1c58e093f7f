#ifndef CSQLITETHREADING_H
#define CSQLITETHREADING_H

/// Asks SQLite for its multi-thread mode (SQLITE_CONFIG_MULTITHREAD): no
/// mutex around every API call on a connection, which is safe when no
/// connection is used by two threads at once — what GRDB's serialized
/// connections guarantee. Only possible before SQLite initialises (the
/// first connection opened); returns 1 when the mode is in effect.
/// (`sqlite3_config` is variadic, which Swift cannot call.)
int tempo_sqlite_use_multithread(void);

#endif
