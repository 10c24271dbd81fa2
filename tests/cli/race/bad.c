/* racelab-case
 * concept: memory
 * variant: broken
 * title: t
 * lesson: l
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
int main(void) { return 0; }
