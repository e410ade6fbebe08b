; Golden NVVM IR of the 'saxpy' test kernel (tests/nvvm/test_kernels.h).
; Regenerate: GPUC_UPDATE_GOLDEN=1 build/tests/nvvm/nvvm_backend_test
; CHECK: ; NVVM IR written by gpuc (LLVM 7 typed-pointer dialect)
; CHECK-NEXT: target datalayout = "e-p:64:64:64-p3:32:32:32-i1:8:8-i8:8:8-i16:16:16-i32:32:32-i64:64:64-i128:128:128-f32:32:32-f64:64:64-v16:16:16-v32:32:32-v64:64:64-v128:128:128-n16:32:64"
; CHECK-NEXT: target triple = "nvptx64-nvidia-cuda"
; CHECK-EMPTY:
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.tid.x()
; CHECK-EMPTY:
; CHECK-NEXT: define void @saxpy(i32 %p0, float %p1, float addrspace(1)* noalias readonly %p2, float addrspace(1)* noalias %p3) {
; CHECK-NEXT: entry:
; CHECK-NEXT:   %t0 = call i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
; CHECK-NEXT:   %t1 = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x(), !range !0
; CHECK-NEXT:   %t2 = call i32 @llvm.nvvm.read.ptx.sreg.tid.x(), !range !1
; CHECK-NEXT:   %t3 = mul i32 %t1, %t0
; CHECK-NEXT:   %t4 = add i32 %t3, %t2
; CHECK-NEXT:   %t5 = icmp slt i32 %t4, %p0
; CHECK-NEXT:   br i1 %t5, label %then.0, label %endif.1
; CHECK-NEXT: then.0:
; CHECK-NEXT:   %t6 = sext i32 %t4 to i64
; CHECK-NEXT:   %t7 = getelementptr inbounds float, float addrspace(1)* %p2, i64 %t6
; CHECK-NEXT:   %t8 = load float, float addrspace(1)* %t7, align 4
; CHECK-NEXT:   %t9 = sext i32 %t4 to i64
; CHECK-NEXT:   %t10 = getelementptr inbounds float, float addrspace(1)* %p3, i64 %t9
; CHECK-NEXT:   %t11 = load float, float addrspace(1)* %t10, align 4
; CHECK-NEXT:   %t12 = fmul float %p1, %t8
; CHECK-NEXT:   %t13 = fadd float %t12, %t11
; CHECK-NEXT:   store float %t13, float addrspace(1)* %t10, align 4
; CHECK-NEXT:   br label %endif.1
; CHECK-NEXT: endif.1:
; CHECK-NEXT:   ret void
; CHECK-NEXT: }
; CHECK-EMPTY:
; CHECK-EMPTY:
; CHECK-NEXT: !nvvm.annotations = !{!2}
; CHECK-NEXT: !nvvmir.version = !{!3}
; CHECK-EMPTY:
; CHECK-NEXT: !0 = !{i32 0, i32 2147483647}
; CHECK-NEXT: !1 = !{i32 0, i32 1024}
; CHECK-NEXT: !2 = !{void (i32, float, float addrspace(1)*, float addrspace(1)*)* @saxpy, !"kernel", i32 1}
; CHECK-NEXT: !3 = !{i32 2, i32 0}
