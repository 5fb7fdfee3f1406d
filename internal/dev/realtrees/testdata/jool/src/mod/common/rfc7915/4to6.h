#ifndef SRC_MOD_COMMON_RFC7915_4TO6_H_
#define SRC_MOD_COMMON_RFC7915_4TO6_H_

/**
 * @file
 * Actual translation of packet contents from from IPv4 to IPv6.
 *
 * This is RFC 7915 sections 4.1, 4.2 and 4.3.
 */

#include "mod/common/rfc7915/common.h"

extern const struct translation_steps ttp46_steps;

#endif /* SRC_MOD_COMMON_RFC7915_4TO6_H_ */
