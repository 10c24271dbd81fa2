/* A program of one's own that dies of SIGSEGV (a read through a null pointer): under TSan its
 * handler reports the signal and ends the process, under Valgrind the signal does. */
static int *volatile nowhere;

int main(void)
{
    return *nowhere;
}
