#pragma once

// Export macro of the igtcloud_entities library. Static builds (the default) need none;
// shared builds (BUILD_SHARED_LIBS=ON) compile with hidden visibility and export what is
// marked IGTCLOUD_ENTITIES_DECL. The build defines IGTCLOUD_ENTITIES_SHARED for shared
// builds (in the library and in its users) and IGTCLOUD_ENTITIES_BUILDING inside the library.
#if defined(IGTCLOUD_ENTITIES_SHARED)
#if defined(_WIN32)
#if defined(IGTCLOUD_ENTITIES_BUILDING)
#define IGTCLOUD_ENTITIES_DECL __declspec(dllexport)
#else
#define IGTCLOUD_ENTITIES_DECL __declspec(dllimport)
#endif
#else
#define IGTCLOUD_ENTITIES_DECL __attribute__((visibility("default")))
#endif
#else
#define IGTCLOUD_ENTITIES_DECL
#endif
