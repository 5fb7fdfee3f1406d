/* no annotations here */
extern int multi_bias;
extern const char * const multi_names[];
