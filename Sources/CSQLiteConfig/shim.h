#ifndef KIOSK_CSQLITECONFIG_H
#define KIOSK_CSQLITECONFIG_H

#include <sqlite3.h>

/// Sets SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE on `db` (`on` 1 or 0) and returns the setting now in
/// force, or -1 on error. sqlite3_db_config() is variadic, which Swift cannot call.
///
/// With it set, closing the last connection to a WAL database leaves the -wal as it is instead
/// of copying its frames into the database file: a connection that has not yet seen the file
/// pass its integrity check never writes to it, not even when it closes.
static inline int kiosk_sqlite_no_checkpoint_on_close(sqlite3 *db, int on) {
    int now = -1;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, on, &now) != SQLITE_OK) {
        return -1;
    }
    return now;
}

#endif
