# cmake --install and the Debian package (cpack -G DEB): binaries in bin/, the sample
# configurations as /etc/swarmex conffiles, systemd units, the hostctl start wrapper and the docs.
# With CMAKE_INSTALL_PREFIX=/usr (the package's prefix) GNUInstallDirs puts sysconf at /etc.
include(GNUInstallDirs)

set(SWARMEX_INSTALLED_PROGRAMS swarmexd swarmex swarmex-hostctl swarmex-mig-list
                               swarmex-autopilot swarmex-report swarmex-loadgen
                               swarmex-forecast-eval)
install(TARGETS ${SWARMEX_INSTALLED_PROGRAMS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Absolute: Debian keeps configuration in /etc whatever the prefix.
set(SWARMEX_CONF_DIR /etc/swarmex)
install(FILES etc/swarmex.toml etc/autopilot.toml DESTINATION ${SWARMEX_CONF_DIR})
install(FILES etc/hostctl-a1.toml DESTINATION ${SWARMEX_CONF_DIR} RENAME hostctl.toml)

# Debian 12 has merged /usr: lib/systemd/system under the /usr prefix is where units belong.
install(FILES packaging/systemd/swarmexd.service packaging/systemd/swarmex-hostctl.service
              packaging/systemd/swarmex-autopilot.service
        DESTINATION lib/systemd/system)
install(PROGRAMS packaging/swarmex-hostctl-start
        DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/swarmex)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")

set(CPACK_PACKAGE_NAME swarmex)
set(CPACK_PACKAGE_VENDOR "Swarmex")
set(CPACK_PACKAGE_CONTACT "Swarmex operators <ops@swarmex.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Exchange for compute capacity: swarmexd, the host controller, the autopilot and the CLI")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# Depends from the binaries' shared libraries (dpkg-shlibdeps, in dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The sample configurations are conffiles: an upgrade keeps an operator's edits.
set(SWARMEX_CONFFILES ${CMAKE_BINARY_DIR}/packaging/conffiles)
file(WRITE ${SWARMEX_CONFFILES}
     "/etc/swarmex/swarmex.toml\n/etc/swarmex/autopilot.toml\n/etc/swarmex/hostctl.toml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${SWARMEX_CONFFILES})
include(CPack)
