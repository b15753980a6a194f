// Force-included into every source of the portable build (native/CMakeLists.txt). glibc 2.29
// gave exp, log, pow and log2 new default symbol versions (faster code, no SVID error handling);
// built against Debian 11's glibc, the natives would need 2.29 for those four alone. Binding
// them to the versions every glibc has keeps the floor at 2.28 (RHEL 8, Debian 10), the
// manylinux_2_28 level that the release builds have by construction.
#if defined(__linux__)
#    include <features.h> // defines __GLIBC__; nothing else is included yet
#endif
#if defined(__linux__) && defined(__GLIBC__)
#    if defined(__x86_64__)
__asm__(".symver exp,exp@GLIBC_2.2.5");
__asm__(".symver log,log@GLIBC_2.2.5");
__asm__(".symver pow,pow@GLIBC_2.2.5");
__asm__(".symver log2,log2@GLIBC_2.2.5");
#    elif defined(__aarch64__)
__asm__(".symver exp,exp@GLIBC_2.17");
__asm__(".symver log,log@GLIBC_2.17");
__asm__(".symver pow,pow@GLIBC_2.17");
__asm__(".symver log2,log2@GLIBC_2.17");
#    endif
#endif
