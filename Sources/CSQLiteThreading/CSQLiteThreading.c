#include "CSQLiteThreading.h"
#include <sqlite3.h>

int tempo_sqlite_use_multithread(void) {
    static int result = -1;
    if (result < 0) {
        result = sqlite3_config(SQLITE_CONFIG_MULTITHREAD) == SQLITE_OK;
    }
    return result;
}
