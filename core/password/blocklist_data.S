/* The generated password blocklist (see make_blocklist.sh), embedded as read-only data.
   SEKISHO_PASSWORD_BLOCKLIST_FILE is set by core/CMakeLists.txt. */
#if defined(__CET__)
#include <cet.h> /* keeps the IBT/SHSTK property note, which one plain .S object would drop for the whole binary */
#endif

        .section .rodata
        .balign 16
        .globl sekisho_password_blocklist_begin
        .hidden sekisho_password_blocklist_begin
        .type sekisho_password_blocklist_begin, @object
sekisho_password_blocklist_begin:
        .incbin SEKISHO_PASSWORD_BLOCKLIST_FILE
        .globl sekisho_password_blocklist_end
        .hidden sekisho_password_blocklist_end
        .type sekisho_password_blocklist_end, @object
sekisho_password_blocklist_end:
        .byte 0

        .section .note.GNU-stack,"",@progbits
