/* uat.h -- rows of Wireshark's UAT tables (key tables and the like:
 * "80211_keys", "esp_sa", "ssl_keys"), added for a while and taken back
 * (uat.c): what tshark's -o "uat:TABLE:ROW" does, made undoable.
 */
#ifndef WIREPY_UAT_H
#define WIREPY_UAT_H

#include <glib.h>

int wirepy_uat_rows(const char *table);
int wirepy_uat_add(const char *table, const char *row, char **err);
int wirepy_uat_truncate(const char *table, unsigned rows);
GPtrArray *wirepy_uat_tables(void);

#endif /* WIREPY_UAT_H */
