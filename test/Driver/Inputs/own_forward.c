/* A program with a function of its own named `forward`: it must link with
 * any cnnc object (named on the command line, so linked whole), whose only
 * global symbol is cnnc_forward. */
#include "model.h"

int forward(void) { return 0; }

int main(void) { return forward(); }
