#ifndef KIOSK_CIDN2_SHIM_H
#define KIOSK_CIDN2_SHIM_H
#include <idn2.h>
#endif
