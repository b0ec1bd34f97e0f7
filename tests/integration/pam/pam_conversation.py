"""A PAM application whose conversation answers exactly as told, including what pamtester cannot: a NULL
answer (the response array is there, its string is not) and no response array at all. Run under pam_wrapper:

    pam_conversation.py SERVICE USER ANSWERS_JSON    (a list: a string, null for a NULL answer, or
                                                     {"no_response": true} for no response array)

Prints the prompts it was shown (one JSON line each) and then `result=N` with pam_authenticate's return code."""

import ctypes
import ctypes.util
import json
import sys

PAM_SUCCESS = 0


class PamMessage(ctypes.Structure):
    _fields_ = [("msg_style", ctypes.c_int), ("msg", ctypes.c_char_p)]


class PamResponse(ctypes.Structure):
    _fields_ = [("resp", ctypes.c_void_p), ("resp_retcode", ctypes.c_int)]


CONV_FUNC = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.POINTER(PamMessage)),
                             ctypes.POINTER(ctypes.POINTER(PamResponse)), ctypes.c_void_p)


class PamConv(ctypes.Structure):
    _fields_ = [("conv", CONV_FUNC), ("appdata_ptr", ctypes.c_void_p)]


def main():
    service, user, answers = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.calloc.restype = ctypes.c_void_p
    libc.strdup.restype = ctypes.c_void_p
    # Through the process's global symbols, so pam_wrapper's pam_start (LD_PRELOAD) is the one called.
    ctypes.CDLL("libpam.so.0", mode=ctypes.RTLD_GLOBAL)
    libpam = ctypes.CDLL(None)
    queue = list(answers)

    def conversation(n, messages, responses, _):
        answer = queue.pop(0) if queue else None
        for i in range(n):
            print(json.dumps({"style": messages[i].contents.msg_style,
                              "prompt": messages[i].contents.msg.decode("utf-8", "replace")}), flush=True)
        if isinstance(answer, dict) and answer.get("no_response"):
            responses[0] = ctypes.POINTER(PamResponse)()
            return PAM_SUCCESS
        array = ctypes.cast(libc.calloc(n, ctypes.sizeof(PamResponse)), ctypes.POINTER(PamResponse))
        for i in range(n):
            array[i].resp = libc.strdup(answer.encode()) if isinstance(answer, str) else None
        responses[0] = array
        return PAM_SUCCESS

    conv = PamConv(CONV_FUNC(conversation), None)
    handle = ctypes.c_void_p()
    rc = libpam.pam_start(service.encode(), user.encode(), ctypes.byref(conv), ctypes.byref(handle))
    if rc != PAM_SUCCESS:
        print(f"pam_start failed: {rc}")
        sys.exit(2)
    rc = libpam.pam_authenticate(handle, 0)
    libpam.pam_end(handle, rc)
    print(f"result={rc}", flush=True)


if __name__ == "__main__":
    main()
