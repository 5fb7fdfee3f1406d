/*
 * version.h 
 * Automatically generated
 */
#define DAHDI_VERSION "2.11.1.0.20170917"

