package apply

import (
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
)

// TestApplyProveJool: jool's translator core, jool_common (Debian's
// jool-dkms 4.1.9, src/mod/common: 66 objects, Kbuild unchanged; it
// includes -I$(src)/../.., so the tree is copied and src/mod/common
// built: Options.Sub). Nine globals that only the module's init or exit
// function reaches (its *_setup and *_teardown, defined in other objects
// than init.c) get __init or __exit at their definition. bib_teardown and
// joold_teardown are suggested too, but gcc had inlined them into
// resident error paths: annotated __exit, modpost finds
// bib_alloc.cold -> bib_teardown, so both edits are undone and skipped.
// The six __init functions move 503 bytes into .init.text (suggest
// counts 538 in the resident build: __init code is notrace, so each loses
// at least its 5-byte __fentry__ call), the three __exit ones add 92
// bytes to .exit.text, and the core image drops from 61 to 60 pages.
// jool_common needs no hardware: it loads, goes live, frees its init and
// unloads. 6.1 only: 4.1.9's genetlink callbacks do not build against
// 6.12's headers.
func TestApplyProveJool(t *testing.T) {
	applyProveTree(t, realTree{
		name:    "jool",
		sub:     "src/mod/common",
		undone:  []string{"bib_teardown", "joold_teardown"},
		targets: []realTarget{{find: kernels.Find61, moved: 503, exit: 92, seen: seenLive}},
		diff:    joolDiff,
		edited: map[string][2]string{
			"common/atomic_config.c": {
				"void atomconfig_teardown(void)\n",
				"void __exit atomconfig_teardown(void)\n"},
			"rfc6056.c": {
				"int rfc6056_setup(void)\n",
				"int __init rfc6056_setup(void)\n"},
			"error_pool.c": {
				"void error_pool_setup(void)\n{\n\tINIT_LIST_HEAD(&db);\n}\n\nstatic void flush_list(void)\n{\n\tstruct error_node *node;\n\n\twhile (!list_empty(&db)) {\n\t\tnode = list_first_entry(&db, struct error_node, prev_next);\n\t\tlist_del(&node->prev_next);\n\t\t__wkfree(\"error_code.msg\", node->msg);\n\t\twkfree(struct error_node, node);\n\t}\n}\n\nvoid error_pool_teardown(void)\n",
				"void __init error_pool_setup(void)\n{\n\tINIT_LIST_HEAD(&db);\n}\n\nstatic void flush_list(void)\n{\n\tstruct error_node *node;\n\n\twhile (!list_empty(&db)) {\n\t\tnode = list_first_entry(&db, struct error_node, prev_next);\n\t\tlist_del(&node->prev_next);\n\t\t__wkfree(\"error_code.msg\", node->msg);\n\t\twkfree(struct error_node, node);\n\t}\n}\n\nvoid __exit error_pool_teardown(void)\n"},
			"nl_handler.c": {
				"int nlhandler_setup(void)\n{\n\terror_pool_setup();\n\treturn register_family();\n}\n\nvoid nlhandler_teardown(void)\n",
				"int __init nlhandler_setup(void)\n{\n\terror_pool_setup();\n\treturn register_family();\n}\n\nvoid __exit nlhandler_teardown(void)\n"},
			"timer.c": {
				"int jtimer_setup(void)\n",
				"int __init jtimer_setup(void)\n"},
			"translation_state.c": {
				"int xlation_setup(void)\n",
				"int __init xlation_setup(void)\n"},
			"xlator.c": {
				"int xlator_setup(void)\n",
				"int __init xlator_setup(void)\n"},
		},
	})
}

const joolDiff = `diff a/src/mod/common/atomic_config.c b/src/mod/common/atomic_config.c
--- a/src/mod/common/atomic_config.c
+++ b/src/mod/common/atomic_config.c
@@ -55,7 +55,7 @@
 	wkfree(struct config_candidate, candidate);
 }
 
-void atomconfig_teardown(void)
+void __exit atomconfig_teardown(void)
 {
 	struct config_candidate *candidate;
 	struct config_candidate *tmp;
diff a/src/mod/common/db/pool4/rfc6056.c b/src/mod/common/db/pool4/rfc6056.c
--- a/src/mod/common/db/pool4/rfc6056.c
+++ b/src/mod/common/db/pool4/rfc6056.c
@@ -80,7 +80,7 @@
  */
 static struct crypto_shash *shash;
 
-int rfc6056_setup(void)
+int __init rfc6056_setup(void)
 {
 	int error;
 
diff a/src/mod/common/error_pool.c b/src/mod/common/error_pool.c
--- a/src/mod/common/error_pool.c
+++ b/src/mod/common/error_pool.c
@@ -27,7 +27,7 @@
 static size_t msg_size = 0;
 static struct list_head db;
 
-void error_pool_setup(void)
+void __init error_pool_setup(void)
 {
 	INIT_LIST_HEAD(&db);
 }
@@ -44,7 +44,7 @@
 	}
 }
 
-void error_pool_teardown(void)
+void __exit error_pool_teardown(void)
 {
 	flush_list();
 }
diff a/src/mod/common/nl/nl_handler.c b/src/mod/common/nl/nl_handler.c
--- a/src/mod/common/nl/nl_handler.c
+++ b/src/mod/common/nl/nl_handler.c
@@ -252,13 +252,13 @@
 	return 0;
 }
 
-int nlhandler_setup(void)
+int __init nlhandler_setup(void)
 {
 	error_pool_setup();
 	return register_family();
 }
 
-void nlhandler_teardown(void)
+void __exit nlhandler_teardown(void)
 {
 	genl_unregister_family(&jool_family);
 	error_pool_teardown();
diff a/src/mod/common/timer.c b/src/mod/common/timer.c
--- a/src/mod/common/timer.c
+++ b/src/mod/common/timer.c
@@ -44,7 +44,7 @@
 /**
  * This function should be always called *after* other init()s.
  */
-int jtimer_setup(void)
+int __init jtimer_setup(void)
 {
 #if LINUX_VERSION_AT_LEAST(4, 15, 0, 8, 0)
 	timer_setup(&timer, timer_function, 0);
diff a/src/mod/common/translation_state.c b/src/mod/common/translation_state.c
--- a/src/mod/common/translation_state.c
+++ b/src/mod/common/translation_state.c
@@ -4,7 +4,7 @@
 
 static struct kmem_cache *xlation_cache;
 
-int xlation_setup(void)
+int __init xlation_setup(void)
 {
 	xlation_cache = kmem_cache_create("jool_xlations",
 			sizeof(struct xlation), 0, 0, NULL);
diff a/src/mod/common/xlator.c b/src/mod/common/xlator.c
--- a/src/mod/common/xlator.c
+++ b/src/mod/common/xlator.c
@@ -229,7 +229,7 @@
 /**
  * Initializes this module. Do not call other functions before this one.
  */
-int xlator_setup(void)
+int __init xlator_setup(void)
 {
 	struct list_head *list;
 #if LINUX_VERSION_LOWER_THAN(4, 13, 0, 8, 0)
`

// TestApplyProveDahdi: DAHDI's core and its Astribank core, dahdi.ko and
// xpp.ko (Debian's dahdi-dkms 2.11.1.0.20170917~dfsg-8.4,
// drivers/dahdi, Kbuild unchanged; built as the package's Makefile does,
// with DAHDI_INCLUDE naming the tree's include/ and the two modules
// chosen by CONFIG_DAHDI and CONFIG_DAHDI_XPP, the rest of the tree not
// taken). xpp's global xbus_pcm_init, defined in xbus-pcm.c, is called
// only by xpp_dahdi_init in xpp_dahdi.c, and xbus_pcm_shutdown only by
// the exit function: 123 bytes move to .init.text and .exit.text grows
// by 5 (xbus_pcm_shutdown is empty: 10 bytes resident with its
// __fentry__ call), no page is saved (63 pages of core before and
// after). dahdi.ko has nothing to move. Neither needs
// hardware: both load (xpp after dahdi, its dependency), go live, free
// their init and unload. 6.1 only: these sources do not build against
// 6.12's headers (strlcpy, const device_driver).
func TestApplyProveDahdi(t *testing.T) {
	applyProveTree(t, realTree{
		name:    "dahdi",
		sub:     "drivers/dahdi",
		vars:    []string{"DAHDI_INCLUDE=$(src)/../../include", "CONFIG_DAHDI=m", "CONFIG_DAHDI_XPP=m"},
		modules: 2,
		module:  "xpp",
		targets: []realTarget{{find: kernels.Find61, moved: 123, exit: 5, seen: seenLive}},
		diff:    dahdiDiff,
		edited: map[string][2]string{
			"xbus-pcm.c": {
				"int xbus_pcm_init(void *toplevel)\n{\n\tint ret = 0;\n\n#ifdef\tOPTIMIZE_CHANMUTE\n\tINFO(\"FEATURE: with CHANMUTE optimization (%sactivated)\\n\",\n\t     (optimize_chanmute) ? \"\" : \"de\");\n#endif\n#ifdef\tDAHDI_SYNC_TICK\n\tINFO(\"FEATURE: with sync_tick() from DAHDI\\n\");\n#else\n\tINFO(\"FEATURE: without sync_tick() from DAHDI\\n\");\n#endif\n\txpp_ticker_init(&global_ticks_series);\n\txpp_ticker_init(&dahdi_ticker);\n\treturn ret;\n}\n\nvoid xbus_pcm_shutdown(void)\n",
				"int __init xbus_pcm_init(void *toplevel)\n{\n\tint ret = 0;\n\n#ifdef\tOPTIMIZE_CHANMUTE\n\tINFO(\"FEATURE: with CHANMUTE optimization (%sactivated)\\n\",\n\t     (optimize_chanmute) ? \"\" : \"de\");\n#endif\n#ifdef\tDAHDI_SYNC_TICK\n\tINFO(\"FEATURE: with sync_tick() from DAHDI\\n\");\n#else\n\tINFO(\"FEATURE: without sync_tick() from DAHDI\\n\");\n#endif\n\txpp_ticker_init(&global_ticks_series);\n\txpp_ticker_init(&dahdi_ticker);\n\treturn ret;\n}\n\nvoid __exit xbus_pcm_shutdown(void)\n"},
		},
	})
}

const dahdiDiff = `diff a/drivers/dahdi/xpp/xbus-pcm.c b/drivers/dahdi/xpp/xbus-pcm.c
--- a/drivers/dahdi/xpp/xbus-pcm.c
+++ b/drivers/dahdi/xpp/xbus-pcm.c
@@ -1314,7 +1314,7 @@
 	return len;
 }
 
-int xbus_pcm_init(void *toplevel)
+int __init xbus_pcm_init(void *toplevel)
 {
 	int ret = 0;
 
@@ -1332,6 +1332,6 @@
 	return ret;
 }
 
-void xbus_pcm_shutdown(void)
+void __exit xbus_pcm_shutdown(void)
 {
 }
`
