/* nn-wino-avx512.c — the Winograd F(4,3) transforms with 16-float vectors (16 tiles per
 * group). Built with a per-function target attribute; runs only when
 * nn_gemm_path_available (NN_GEMM_AVX512). The code is nn-wino-isa.h. */
#include "nn-wino.h"

#include <immintrin.h>

#define WV __m512
#define WLANES 16
#define WTARGET __attribute__ ((target ("avx512f,fma")))
#define WLOAD _mm512_loadu_ps
#define WSTORE _mm512_storeu_ps
#define WADD _mm512_add_ps
#define WSUB _mm512_sub_ps
#define WFMADD _mm512_fmadd_ps
#define WFNMADD _mm512_fnmadd_ps
#define WSET1 _mm512_set1_ps
/* Zero-masked forms of the unpacks: the plain ones trip -Wuninitialized in gcc 12's
 * header (_mm512_undefined_ps), as does _mm512_max_ps below. */
#define WUNPACKLO(a, b) _mm512_maskz_unpacklo_ps (0xFFFF, (a), (b))
#define WUNPACKHI(a, b) _mm512_maskz_unpackhi_ps (0xFFFF, (a), (b))
#define WSHUFFLE _mm512_shuffle_ps
/* Keeps lanes > 0. */
#define WRELU(v) _mm512_maskz_mov_ps (_mm512_cmp_ps_mask ((v), _mm512_setzero_ps (), _CMP_GT_OQ), (v))
#define WINPUT nn_wino_input_avx512
#define WOUTPUT nn_wino_output_avx512

#include "nn-wino-isa.h"
