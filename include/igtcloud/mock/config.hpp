#pragma once

// Export macro of the igtcloud_mock library. Static builds (the default) need none; shared builds
// (BUILD_SHARED_LIBS=ON) compile with hidden visibility and export what is marked IGTCLOUD_MOCK_DECL.
// The build defines IGTCLOUD_MOCK_SHARED for shared builds (in the library and in its users) and
// IGTCLOUD_MOCK_BUILDING inside the library.

#if defined(IGTCLOUD_MOCK_SHARED)
#if defined(_WIN32)
#if defined(IGTCLOUD_MOCK_BUILDING)
#define IGTCLOUD_MOCK_DECL __declspec(dllexport)
#else
#define IGTCLOUD_MOCK_DECL __declspec(dllimport)
#endif
#else
#define IGTCLOUD_MOCK_DECL __attribute__((visibility("default")))
#endif
#else
#define IGTCLOUD_MOCK_DECL
#endif
