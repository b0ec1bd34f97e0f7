# Install rules and the Debian package: `cpack --config CPackConfig.cmake` in the build directory writes
# sekisho_VERSION_amd64.deb. Paths follow Debian 12: the PAM module in the multiarch security directory and
# the units in /lib/systemd/system (both outside /usr there), so everything is installed relative to "/".
# packaging/debian holds the maintainer scripts; tests/integration/package checks the result.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX "/" CACHE PATH "Install prefix (the package's layout is relative to /)" FORCE)
endif()
if(CMAKE_LIBRARY_ARCHITECTURE)
  set(SEKISHO_PAM_DIR lib/${CMAKE_LIBRARY_ARCHITECTURE}/security)
else()
  set(SEKISHO_PAM_DIR lib/security)
endif()

if(TARGET sekisho)
  install(TARGETS sekisho RUNTIME DESTINATION usr/bin)
endif()
if(TARGET pam_sekisho)
  install(TARGETS pam_sekisho LIBRARY DESTINATION ${SEKISHO_PAM_DIR}
          PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endif()
install(FILES systemd/sekisho-authd.service systemd/sekisho-gateway.service systemd/sekisho-backup.service
              systemd/sekisho-backup.timer
        DESTINATION lib/systemd/system)
install(DIRECTORY config/ DESTINATION usr/share/doc/sekisho/examples)
install(FILES packaging/debian/copyright DESTINATION usr/share/doc/sekisho)

# Man pages and the changelog (changelog.gz: a native package, no Debian revision), gzipped as Debian
# wants them (-n: no name or time stamp, so builds repeat).
configure_file(packaging/debian/changelog.in ${PROJECT_BINARY_DIR}/packaging/changelog @ONLY)
set(sekisho_gzipped)
foreach(page ${PROJECT_SOURCE_DIR}/docs/man/sekisho.1 ${PROJECT_SOURCE_DIR}/docs/man/sekisho.toml.5
             ${PROJECT_SOURCE_DIR}/docs/man/pam_sekisho.8 ${PROJECT_BINARY_DIR}/packaging/changelog)
  get_filename_component(name ${page} NAME)
  set(out ${PROJECT_BINARY_DIR}/packaging/${name}.gz)
  add_custom_command(OUTPUT ${out}
                     COMMAND sh -c "gzip -9nc '${page}' > '${out}'"
                     DEPENDS ${page} VERBATIM)
  list(APPEND sekisho_gzipped ${out})
endforeach()
add_custom_target(sekisho_gzipped_docs ALL DEPENDS ${sekisho_gzipped})
install(FILES ${PROJECT_BINARY_DIR}/packaging/sekisho.1.gz DESTINATION usr/share/man/man1)
install(FILES ${PROJECT_BINARY_DIR}/packaging/sekisho.toml.5.gz DESTINATION usr/share/man/man5)
install(FILES ${PROJECT_BINARY_DIR}/packaging/pam_sekisho.8.gz DESTINATION usr/share/man/man8)
install(FILES ${PROJECT_BINARY_DIR}/packaging/changelog.gz DESTINATION usr/share/doc/sekisho)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sekisho)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Sekisho maintainers <maintainers@sekisho.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "two-factor gate for clinics' web apps, SSH and network devices")
# The synopsis is the summary above; this is the long description (one string: a list would add ';').
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
       "Sekisho puts a second factor (security key, passkey or authenticator app)\n"
       "in front of systems that cannot change: legacy EHR, PACS and lab web apps\n"
       "(a TLS reverse proxy with a login portal), Linux servers over SSH and network\n"
       "devices through FreeRADIUS (a PAM module). One authority process owns the\n"
       "accounts, keys and audit chain; everything else asks it over a Unix socket.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # sekisho_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGING_INSTALL_PREFIX "/")
# Depends: the shared libraries' packages from dpkg-shlibdeps, plus what the maintainer scripts run.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)  # the scripts 0755, whatever the checkout's modes
set(CPACK_STRIP_FILES ON)
include(CPack)
