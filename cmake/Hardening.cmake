# Warnings, hardening and sanitizer flags applied to every Sekisho target.
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
                    -Wformat=2 -Wnon-virtual-dtor -Wold-style-cast)
if(SEKISHO_WERROR)
  add_compile_options(-Werror)
endif()

# Hardening (Debian's hardening=+all equivalent).
add_compile_options(-fstack-protector-strong -fstack-clash-protection -fcf-protection
                    -fno-strict-aliasing)
if(NOT SEKISHO_SANITIZE AND NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
  add_compile_definitions(_FORTIFY_SOURCE=2)
endif()
add_compile_definitions(_GLIBCXX_ASSERTIONS)
add_link_options(-Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed)

if(SEKISHO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
