/* ARM semihosting (bkpt 0xAB) to QEMU: text out and exit with a status. */
#ifndef HT_SEMIHOST_H
#define HT_SEMIHOST_H

void ht_sh_write(const char *text);
__attribute__((noreturn)) void ht_sh_exit(int status);

#endif
